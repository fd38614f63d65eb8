// Segments in words and in the features' own units: what a segment's centroid says once
// standardized (how many standard deviations it sits from the average user on each feature), the
// features on which it stands out most, and the category its users favour far more than others do.

import type { SegmentFeature } from './profileVector.js';
import type { SegmentModel } from './segmentModel.js';

/** A feature distinguishes a segment when its centroid is at least this many standard deviations off. */
const DISTINGUISHING_Z = 0.5;
/** Words for at most this many features. */
const MAX_PHRASES = 3;
/** A category characterizes a segment when it is at least this share of it, and this many times as common as overall. */
const CATEGORY_MIN_SHARE = 0.1;
const CATEGORY_MIN_LIFT = 1.5;

export interface SegmentDescription {
  segment: number;
  /** Users whose stored segment this is. */
  size: number;
  /** Decayed points the centroid stands for. */
  weight: number;
  /** e.g. "frequent buyers, cart-heavy, evenings". */
  description: string;
  /** The centroid in each feature's unit. */
  centroid: Record<string, number>;
  /** Features the segment stands out on, by |z|, with z = (centroid − mean) / standard deviation. */
  distinguishing: { feature: string; z: number }[];
  /** Its favoured category, when one stands out. */
  category?: { categoryId: string; share: number; lift: number };
}

export function describeSegments(model: SegmentModel, features: readonly SegmentFeature[]): SegmentDescription[] {
  const kMeans = model.kMeans;
  if (kMeans === undefined) return [];
  // Shares are of all the points that had a top category (not only of the categories kept).
  const tallies = model.categories.map((entries) => new Map(entries));
  const points = model.pointsWithCategory;
  const allPoints = points.reduce((sum, n) => sum + n, 0);
  const overall = new Map<string, number>();
  for (const tally of tallies) for (const [category, weight] of tally) overall.set(category, (overall.get(category) ?? 0) + weight);
  return kMeans.centroids.map((centroid, segment) => {
    const z = features.map((feature, i) => ({ feature, z: (centroid[i] - model.standardizer.mean[i]) / model.standardizer.scale(i) }));
    const standingOut = z
      .filter(({ feature, z }) => Math.abs(z) >= DISTINGUISHING_Z && (z > 0 || feature.low !== undefined))
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    const phrases = standingOut.slice(0, MAX_PHRASES).map(({ feature, z }) => (z > 0 ? feature.high : feature.low!));
    const category = favouredCategory(tallies[segment], points[segment], overall, allPoints);
    if (category !== undefined) phrases.push(`category ${category.categoryId}`);
    const description: SegmentDescription = {
      segment,
      size: model.sizes[segment],
      weight: round(kMeans.weights[segment], 1),
      description: phrases.length > 0 ? phrases.join(', ') : 'typical users',
      centroid: Object.fromEntries(features.map((feature, i) => [feature.name, round(feature.original(centroid[i]), 3)])),
      distinguishing: standingOut.map(({ feature, z }) => ({ feature: feature.name, z: round(z, 2) })),
    };
    if (category !== undefined) description.category = category;
    return description;
  });
}

function favouredCategory(tally: Map<string, number>, points: number, overall: Map<string, number>, allPoints: number): SegmentDescription['category'] {
  let best: SegmentDescription['category'];
  for (const [categoryId, weight] of tally) {
    const share = weight / points;
    const lift = share / (overall.get(categoryId)! / allPoints);
    if (share >= CATEGORY_MIN_SHARE && lift >= CATEGORY_MIN_LIFT && (best === undefined || share > best.share)) {
      best = { categoryId, share: round(share, 3), lift: round(lift, 2) };
    }
  }
  return best;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
