// Segments: every behaviour event marks its user (whose profile the userProfile pipeline has just
// updated); every `segments.miniBatchSize` distinct marked users, their profiles become points in
// segment space, the centroids move, and each of them gets their nearest segment. At the end of a
// batch, just before the profiles are written, the users marked since the last update get their
// current segment too, so a profile is always written with a segment it was assigned from.
// Runs after userProfile.

import { ignoreElements, merge, Observable, tap } from 'rxjs';
import { definePipeline } from '../src/runtime/pipeline.js';
import { strongestCategory } from '../src/profile/categoryAffinity.js';
import { DAY_MS } from '../src/profile/userProfile.js';
import { totalCount } from '../src/profile/behaviorCounts.js';
import { FEATURE_NAMES, profileVector } from '../src/segments/profileVector.js';
import type { SegmentUsers } from '../src/segments/segmentModel.js';
import { ProfileStore } from '../state/profileStore.js';
import { SegmentStore } from '../state/segmentStore.js';
import { ofKind } from '../operators/ofKind.js';

export const segments = definePipeline({
  name: 'segments',
  enabled: (config) => config.segments.enabled && config.profile.enabled,
  build(events$, { config, state, metrics }) {
    const profiles = ProfileStore.open(state, config.profile);
    const store = SegmentStore.open(state);
    const model = store.live(config.segments, FEATURE_NAMES);
    const halfLifeMs = config.profile.affinityHalfLifeDays * DAY_MS;
    let reseedsReported = model.reseeds;

    const users: SegmentUsers = {
      pointOf(userId) {
        const profile = profiles.get(userId);
        if (profile === undefined) return undefined;
        return {
          vector: profileVector(profile, halfLifeMs),
          category: strongestCategory(profile.affinity, profile.lastSeen, halfLifeMs),
          hourOfWeek: profile.hourOfWeek,
        };
      },
      assign(userId, segment) {
        const profile = profiles.get(userId);
        if (profile === undefined || profile.segment === segment) return;
        model.moveMember(profile.segment, segment);
        profile.segment = segment;
        profiles.changed(profile);
      },
    };

    const reportMetrics = () => {
      if (metrics === undefined || !model.seeded) return;
      model.sizes.forEach((size, segment) => metrics.segmentSize.set({ segment: String(segment) }, size));
      if (Number.isFinite(model.lastInertia)) metrics.segmentInertia.set(model.lastInertia);
      if (Number.isFinite(model.lastDrift)) metrics.segmentCentroidDrift.set(model.lastDrift);
      metrics.segmentReseeds.inc(model.reseeds - reseedsReported);
      reseedsReported = model.reseeds;
    };

    const changes$ = events$.pipe(
      ofKind('behavior'),
      tap((event) => {
        const profile = profiles.get(event.userId);
        if (profile !== undefined) model.touch(event.userId, totalCount(profile.counts) === 1, users);
      }),
    );
    const beforeProfilesAreWritten$ = new Observable<never>(() =>
      profiles.onFlush(() => {
        model.assignPending(users);
        store.save();
        reportMetrics();
      }),
    );
    return merge(changes$.pipe(ignoreElements()), beforeProfilesAreWritten$);
  },
});
