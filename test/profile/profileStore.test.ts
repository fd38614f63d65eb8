import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore } from '../../state/stateStore.js';
import { ProfileStore } from '../../state/profileStore.js';
import { LocalTime } from '../../src/profile/localTime.js';
import { applyBehavior, DAY_MS, newProfile, type UserProfile } from '../../src/profile/userProfile.js';

const rules = { localTime: new LocalTime('Asia/Shanghai'), visitGapMs: 30 * 60_000, affinityHalfLifeMs: 7 * DAY_MS, topCategories: 10 };
const T = Date.UTC(2026, 10, 2, 12);

function richProfile(userId: string): UserProfile {
  const profile = newProfile(userId, T, 'Europe/Paris');
  applyBehavior(profile, { kind: 'behavior', id: 'a', type: 'add_to_cart', userId, itemId: 'i1', categoryId: 'c1', time: T }, undefined, rules);
  applyBehavior(profile, { kind: 'behavior', id: 'b', type: 'purchase', userId, itemId: 'i1', categoryId: 'c1', time: T + 1000 }, 42.5, rules);
  applyBehavior(profile, { kind: 'behavior', id: 'c', type: 'purchase', userId, itemId: 'i9', categoryId: 'c2', time: T + 2 * DAY_MS }, undefined, rules);
  applyBehavior(profile, { kind: 'behavior', id: 'd', type: 'add_to_cart', userId, itemId: 'i2', categoryId: 'c2', time: T + 3 * DAY_MS }, undefined, rules);
  profile.segment = 3;
  return profile;
}

describe('ProfileStore', () => {
  let dir: string;
  let state: StateStore;
  const reopen = async (options = {}) => {
    await state.close();
    state = new StateStore({ path: dir, flushEachCommit: false });
    return ProfileStore.open(state, options);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pushflow-profiles-'));
    state = new StateStore({ path: dir, flushEachCommit: false });
  });
  afterEach(async () => {
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives back, after a restart, exactly the profiles the last committed batch held', async () => {
    const profiles = ProfileStore.open(state);
    const profile = richProfile('u1');
    profiles.changed(profile);
    profiles.changed(newProfile('u2', T));
    state.transaction(() => profiles.flush());
    profile.counts[0] += 10; // changed after the last flush: not committed
    const reopened = await reopen();
    expect(reopened.get('u1')).toEqual(richProfile('u1'));
    expect(reopened.get('u2')).toEqual(newProfile('u2', T));
    expect(reopened.get('u3')).toBeUndefined();
  });

  it('checkpoints logged profiles into their own records and empties the log, keeping the latest version', async () => {
    const profiles = ProfileStore.open(state, { checkpointEntries: 3 });
    const profile = richProfile('u1');
    profiles.changed(profile);
    state.transaction(() => profiles.flush());
    profile.lastSeen = T + 9;
    profiles.changed(profile);
    profiles.changed(newProfile('u2', T));
    expect(profiles.logSize).toBe(1);
    state.transaction(() => profiles.flush());
    expect(profiles.logSize).toBe(0);
    const reopened = await reopen({ checkpointEntries: 3 });
    expect(reopened.get('u1')?.lastSeen).toBe(T + 9);
    expect([...reopened.all()].map((p) => p.userId).sort()).toEqual(['u1', 'u2']);
  });

  it('never evicts a profile that only the log holds, and reads evicted ones back from their records', async () => {
    const profiles = ProfileStore.open(state, { cacheSize: 1, checkpointEntries: 100 });
    for (const userId of ['u1', 'u2', 'u3']) profiles.changed(richProfile(userId));
    // Three unsaved profiles exceed the cache of one: the flush checkpoints, then evicts.
    state.transaction(() => profiles.flush());
    expect(profiles.logSize).toBe(0);
    expect(profiles.get('u1')).toEqual(richProfile('u1'));
    expect(profiles.get('u3')).toEqual(richProfile('u3'));
  });
});
