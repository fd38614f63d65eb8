// The answers profiles and segments give the policy (send time) and the triggers (ports).

import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { userProfile } from '../../pipelines/userProfile.js';
import { segments } from '../../pipelines/segments.js';
import { profileSendTimeSignals, profileTriggerPorts } from '../../src/profile/profilePorts.js';
import { contextProbe } from '../pipelines/pipelineProbe.js';

/** Monday 2026-10-26 00:00 in Shanghai. */
const MONDAY = Date.UTC(2026, 9, 25, 16);
const HOUR = 3_600_000;
let seq = 0;

describe('profile and segment ports', () => {
  let driver: PipelineTestDriver;
  const probe = contextProbe();
  afterEach(async () => driver?.close());

  it('gives a user’s activity and their segment’s by local hour of the week, their segment and their attributes', () => {
    driver = new PipelineTestDriver({
      pipelines: [catalogAndUsers, userProfile, segments, probe.pipeline],
      config: { time: { maxOutOfOrdernessMs: 0 }, segments: { k: 2, seedAfterUsers: 16, miniBatchSize: 5 } },
    });
    const events: object[] = [];
    for (let user = 0; user < 20; user++) {
      // Half the users shop at 08:00 on Mondays, half at 21:00 on Tuesdays, and only they buy.
      const at = user % 2 === 0 ? MONDAY + 8 * HOUR : MONDAY + 24 * HOUR + 21 * HOUR;
      for (const [i, type] of (user % 2 === 0 ? ['view', 'view'] : ['view', 'add_to_cart', 'purchase']).entries()) {
        events.push({ kind: 'behavior', id: `e${seq++}`, type, userId: `u${user}`, itemId: `i${user}`, categoryId: `c${user % 2}`, time: at + user * 60_000 + i * 1000 });
      }
    }
    driver.pipe(events.sort((a, b) => (a as { time: number }).time - (b as { time: number }).time));

    const { state } = probe.context;
    const signals = profileSendTimeSignals(state, driver.config);
    const own = signals.activityByHourOfWeek!('u0')!;
    expect(own).toHaveLength(168);
    expect(own[8]).toBe(2);
    expect(own.reduce((a, b) => a + b, 0)).toBe(2);
    expect(signals.activityByHourOfWeek!('nobody')).toBeUndefined();

    const ports = profileTriggerPorts(state, driver.config);
    const evenSegment = ports.userSegment('u0');
    expect(evenSegment).toMatch(/^[01]$/);
    expect(ports.userSegment('u2')).toBe(evenSegment);
    expect(ports.userSegment('u1')).not.toBe(evenSegment);
    expect(ports.userProfile('u1')).toMatchObject({ events: 3, purchases: 1, purchases30d: 1, cartConversion: 1, topCategory: 'c1', segment: ports.userSegment('u1') });

    // The even users' segment is active on Monday at 08:00, the others' on Tuesday at 21:00.
    const pattern = signals.segmentActivityByHourOfWeek!('u0')!;
    expect(pattern).toHaveLength(168);
    const busiest = pattern.indexOf(Math.max(...pattern));
    expect(busiest).toBe(8);
    const other = signals.segmentActivityByHourOfWeek!('u1')!;
    expect(other.indexOf(Math.max(...other))).toBe(24 + 21);
  });
});
