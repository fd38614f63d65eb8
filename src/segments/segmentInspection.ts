// The segments' part of `pushflow inspect user` and the model behind `pushflow segments`, read
// from the segment store a run left.

import type { InspectContext, InspectSection } from '../cli/inspectSections.js';
import { ProfileStore } from '../../state/profileStore.js';
import { SegmentStore } from '../../state/segmentStore.js';
import { DAY_MS } from '../profile/userProfile.js';
import { describeSegments, type SegmentDescription } from './describeSegments.js';
import { profileVector, SEGMENT_FEATURES, FEATURE_NAMES } from './profileVector.js';
import { SegmentModel } from './segmentModel.js';

/** The stored segment model, or undefined before it was seeded. */
export function storedSegments(context: Pick<InspectContext, 'config' | 'state'>): SegmentModel | undefined {
  const stored = SegmentStore.open(context.state).stored();
  if (stored === undefined || !stored.seeded) return undefined;
  return SegmentModel.restore(stored, { ...context.config.segments, k: stored.k }, FEATURE_NAMES);
}

export function describeStoredSegments(context: Pick<InspectContext, 'config' | 'state'>): SegmentDescription[] {
  const model = storedSegments(context);
  return model === undefined ? [] : describeSegments(model, SEGMENT_FEATURES);
}

export const segmentSection: InspectSection = (context, userId) => {
  const profile = ProfileStore.open(context.state, context.config.profile).get(userId);
  if (profile?.segment === undefined) return undefined;
  const model = storedSegments(context);
  const segment = describeStoredSegments(context)[profile.segment];
  const vector = profileVector(profile, context.config.profile.affinityHalfLifeDays * DAY_MS);
  const user = Object.fromEntries(SEGMENT_FEATURES.map((feature, i) => [feature.name, Math.round(feature.original(vector[i]) * 1000) / 1000]));
  const distances = model?.kMeans?.centroids.map((centroid) => {
    let sum = 0;
    centroid.forEach((c, i) => (sum += model.weights[i] * (vector[i] - c) ** 2));
    return Math.round(sum * 1000) / 1000;
  });
  return {
    title: 'segment',
    data: {
      segment: profile.segment,
      description: segment?.description,
      size: segment?.size,
      /** The user's profile vector in the features' units, beside the segment's centroid. */
      features: user,
      centroid: segment?.centroid,
      /** Standardized squared distance to each segment's centroid now (the stored segment was the nearest when last assigned). */
      distances,
    },
  };
};
