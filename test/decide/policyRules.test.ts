// Each policy rule through the decision engine (real LMDB state), one behaviour per test.

import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness, HOUR, MINUTE, REACHABLE, outcomeOf } from './engineHarness.js';
import { HOURS_PER_WEEK } from '../../state/platformActivity.js';
import { reasonTexts } from '../../src/decide/reasons.js';

// Monday 2026-11-02 12:00 in Shanghai (04:00Z): outside quiet hours.
const NOON_SH = Date.parse('2026-11-02T04:00:00Z');
const NOON_NY = Date.parse('2026-11-02T17:00:00Z');
const noHolds = { sendTime: { enabled: false }, rateLimit: { enabled: false } };
/** Several marketing messages a day: the value budget (one a day by default) is not what these test. */
const noBudget = { budget: { enabled: false } };

describe('policy rules', () => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  describe('consent', () => {
    it('suppresses a refused category, closes refused channels, and an opt-out applies to the next decision', () => {
      h = new EngineHarness({ policy: noHolds });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai', consent: { ...REACHABLE.consent, push: false } });
      expect(outcomeOf(h.decide({ time: NOON_SH }))).toBe('queued:email');
      h.user('u1', { consent: { marketing: false } });
      expect(outcomeOf(h.decide({ time: NOON_SH + MINUTE }))).toBe('suppressed:consent_marketing');
      expect(outcomeOf(h.decide({ time: NOON_SH + MINUTE, priority: 'transactional', type: 'abandoned_cart' }))).toBe('queued:email');
      h.user('u1', { consent: { transactional: false } });
      expect(outcomeOf(h.decide({ time: NOON_SH + 2 * MINUTE, priority: 'transactional' }))).toBe('suppressed:consent_transactional');
    });

    it('suppresses when no channel is both reachable and consented', () => {
      h = new EngineHarness({ policy: noHolds });
      h.user('u1', { channels: { email: 'a@example.com' }, consent: { email: false } });
      expect(outcomeOf(h.decide({ time: NOON_SH }))).toBe('suppressed:no_consented_channel');
    });

    it('re-checks consent when a held message is released: an opt-out in between drops it', () => {
      h = new EngineHarness({ policy: { sendTime: { enabled: false } } });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      const night = Date.parse('2026-11-02T15:00:00Z'); // 23:00 Shanghai
      expect(outcomeOf(h.decide({ time: night }))).toBe('deferred:quiet_hours');
      h.user('u1', { consent: { marketing: false } });
      expect(h.release(Date.parse('2026-11-03T00:00:00Z')).map(outcomeOf)).toEqual(['suppressed:consent_marketing']);
    });
  });

  describe('quiet hours', () => {
    it('holds marketing to the end of the window in the user zone, then sends it', () => {
      h = new EngineHarness({ policy: noHolds });
      h.user('u1', { ...REACHABLE, timeZone: 'America/New_York' });
      const late = Date.parse('2026-11-03T03:30:00Z'); // 22:30 EST Monday
      const held = h.decide({ time: late });
      expect(held).toMatchObject({ outcome: 'deferred', reason: 'quiet_hours', until: Date.parse('2026-11-03T13:00:00Z') });
      expect(h.release(Date.parse('2026-11-03T12:59:59Z'))).toEqual([]);
      const [released] = h.release(Date.parse('2026-11-03T13:00:00Z'));
      expect(outcomeOf(released)).toBe('queued:push');
      if (released.outcome === 'queued') expect(released.notification.decidedAt).toBe(Date.parse('2026-11-03T13:00:00Z'));
    });

    it('ends the window at 08:00 local across the DST change (New York, 2026-11-01)', () => {
      h = new EngineHarness({ policy: noHolds });
      h.user('u1', { ...REACHABLE, timeZone: 'America/New_York' });
      const held = h.decide({ time: Date.parse('2026-11-01T03:00:00Z') }); // 23:00 EDT Saturday
      expect(held).toMatchObject({ outcome: 'deferred', until: Date.parse('2026-11-01T13:00:00Z') }); // 08:00 EST
    });

    it('lets transactional through unless configured to wait', () => {
      const night = Date.parse('2026-11-02T15:00:00Z');
      h = new EngineHarness({ policy: noHolds });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      expect(outcomeOf(h.decide({ time: night, priority: 'transactional' }))).toBe('queued:push');
      void h.close();
      h = new EngineHarness({ policy: { ...noHolds, quietHours: { transactional: 'defer' } } });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      expect(outcomeOf(h.decide({ time: night, priority: 'transactional' }))).toBe('deferred:quiet_hours');
    });

    it('drops marketing whose validity ends inside the window', () => {
      h = new EngineHarness({ policy: noHolds });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      const night = Date.parse('2026-11-02T15:00:00Z');
      expect(outcomeOf(h.decide({ time: night, payload: { itemId: 'i1', validUntil: night + HOUR } }))).toBe('suppressed:quiet_hours_expired');
    });
  });

  describe('frequency caps', () => {
    it('caps marketing per channel per local day, falling back to the next channel, then suppressing', () => {
      h = new EngineHarness({ policy: { ...noHolds, ...noBudget, caps: { push: { daily: 2 }, email: { daily: 1 }, sms: { daily: 0 }, webhook: { daily: 0 }, total: { daily: 10 } } } });
      h.user('u1', { ...REACHABLE, timeZone: 'America/New_York' });
      const results = [0, 1, 2, 3].map((i) => outcomeOf(h.decide({ time: NOON_NY + i * MINUTE })));
      expect(results).toEqual(['queued:push', 'queued:push', 'queued:email', 'suppressed:cap_channel_daily']);
      // Transactional is exempt and not counted.
      expect(outcomeOf(h.decide({ time: NOON_NY + 5 * MINUTE, priority: 'transactional' }))).toBe('queued:push');
      // The next local day (noon in New York) opens the caps again.
      expect(outcomeOf(h.decide({ time: Date.parse('2026-11-03T17:00:00Z') }))).toBe('queued:push');
    });

    it('counts the day in the user zone: 23:59 and 00:01 local are different days', () => {
      h = new EngineHarness({ policy: { ...noHolds, quietHours: { enabled: false }, caps: { total: { daily: 1 } } } });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      expect(outcomeOf(h.decide({ time: Date.parse('2026-11-02T15:59:00Z') }))).toBe('queued:push');
      expect(outcomeOf(h.decide({ time: Date.parse('2026-11-02T15:59:30Z') }))).toBe('suppressed:cap_daily');
      expect(outcomeOf(h.decide({ time: Date.parse('2026-11-02T16:01:00Z') }))).toBe('queued:push');
    });

    it('applies the weekly cap over the ISO week in the user zone', () => {
      h = new EngineHarness({ policy: { ...noHolds, caps: { total: { daily: 5, weekly: 2 } } } });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      const day = 24 * HOUR;
      expect([0, 1, 2].map((d) => outcomeOf(h.decide({ time: NOON_SH + d * day })))).toEqual(['queued:push', 'queued:push', 'suppressed:cap_weekly']);
      expect(outcomeOf(h.decide({ time: NOON_SH + 7 * day }))).toBe('queued:push');
    });

    it('drops a held message that would break a cap when released', () => {
      h = new EngineHarness({ policy: { ...noHolds, caps: { total: { daily: 1 } } } });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      expect(outcomeOf(h.decide({ time: Date.parse('2026-11-02T15:00:00Z') }))).toBe('deferred:quiet_hours'); // 23:00, held to 08:00
      expect(outcomeOf(h.decide({ time: Date.parse('2026-11-02T23:30:00Z') }))).toBe('deferred:quiet_hours');
      const released = h.release(Date.parse('2026-11-03T00:00:00Z')).map(outcomeOf);
      expect(released).toEqual(['queued:push', 'suppressed:deferred_cap_daily']);
    });
  });

  describe('best send time', () => {
    const activeAt = (hourOfWeek: number, count = 30) => {
      const counts = new Float64Array(HOURS_PER_WEEK);
      counts[hourOfWeek] = count;
      return counts;
    };

    it('holds marketing to the user hour of most activity within its validity, in the user zone', () => {
      // Active Mondays at 20:00 local (hour of week 20).
      h = new EngineHarness({ policy: { rateLimit: { enabled: false } } }, { activityByHourOfWeek: () => activeAt(20) });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      const held = h.decide({ time: NOON_SH });
      expect(held).toMatchObject({ outcome: 'deferred', reason: 'send_time', until: Date.parse('2026-11-02T12:00:00Z') });
      expect(h.release(Date.parse('2026-11-02T12:00:00Z')).map(outcomeOf)).toEqual(['queued:push']);
    });

    it('sends transactional now whatever the activity', () => {
      h = new EngineHarness({ policy: { rateLimit: { enabled: false } } }, { activityByHourOfWeek: () => activeAt(20) });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      expect(outcomeOf(h.decide({ time: NOON_SH, priority: 'transactional' }))).toBe('queued:push');
    });

    it('does not look past the validity window, and sends now when nothing is clearly better', () => {
      h = new EngineHarness({ policy: { rateLimit: { enabled: false } } }, { activityByHourOfWeek: () => activeAt(20) });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      expect(outcomeOf(h.decide({ time: NOON_SH, payload: { itemId: 'i', validUntil: NOON_SH + 2 * HOUR } }))).toBe('queued:push');
    });

    it('shrinks a user with little history toward the segment pattern', () => {
      // One event at 09:00 against a segment active at 21:00: the segment wins.
      const signals = { activityByHourOfWeek: () => activeAt(9, 1), segmentActivityByHourOfWeek: () => activeAt(21, 100) };
      h = new EngineHarness({ policy: { rateLimit: { enabled: false } } }, signals);
      h.user('u1', { ...REACHABLE, timeZone: 'UTC' });
      const monday0830 = Date.parse('2026-11-02T08:30:00Z');
      expect(h.decide({ time: monday0830 })).toMatchObject({ outcome: 'deferred', until: Date.parse('2026-11-02T21:00:00Z') });
      void h.close();
      // With a long history at 09:00 the user's own pattern wins.
      h = new EngineHarness({ policy: { rateLimit: { enabled: false } } }, { ...signals, activityByHourOfWeek: () => activeAt(9, 500) });
      h.user('u1', { ...REACHABLE, timeZone: 'UTC' });
      expect(h.decide({ time: monday0830 })).toMatchObject({ outcome: 'deferred', until: Date.parse('2026-11-02T09:00:00Z') });
    });

    it('uses the behaviour model active-hour head (24 hours of the day)', () => {
      const head = new Float64Array(24);
      head[19] = 0.9;
      h = new EngineHarness({ policy: { rateLimit: { enabled: false } } }, { activeHourProbabilities: () => head });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      expect(h.decide({ time: NOON_SH })).toMatchObject({ outcome: 'deferred', until: Date.parse('2026-11-02T11:00:00Z') });
    });

    it('falls back on the platform pattern learnt from the stream once it has enough events', () => {
      h = new EngineHarness({ policy: { rateLimit: { enabled: false }, sendTime: { minPlatformEvents: 100 } } });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      h.user('u2', { timeZone: 'Asia/Shanghai' });
      expect(outcomeOf(h.decide({ time: NOON_SH }))).toBe('queued:push'); // no signal yet
      // The platform is busy at 21:00 Shanghai on Mondays.
      for (let i = 0; i < 200; i++) h.engine.observe({ kind: 'behavior', id: `e${i}`, type: 'view', userId: 'u2', time: Date.parse('2026-11-02T13:10:00Z') });
      expect(h.decide({ time: NOON_SH + MINUTE })).toMatchObject({ outcome: 'deferred', reason: 'send_time', until: Date.parse('2026-11-02T13:00:00Z') });
    });

    it('times a message the night holds at once: the user hour, not the end of quiet hours, on one timer', () => {
      h = new EngineHarness({ policy: { rateLimit: { enabled: false } } }, { activityByHourOfWeek: () => activeAt(24 + 20) });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      // Monday 23:00 Shanghai: held past 08:00 Tuesday to the user's 20:00 Tuesday.
      const held = h.decide({ time: Date.parse('2026-11-02T15:00:00Z') });
      expect(held).toMatchObject({ outcome: 'deferred', reason: 'quiet_hours', until: Date.parse('2026-11-03T12:00:00Z') });
      expect(reasonTexts(held.reasons)).toContainEqual(expect.stringMatching(/^send_time: held on to 2026-11-03T12:00:00.000Z \(score /));
      expect(h.release(Date.parse('2026-11-03T00:00:00Z'))).toEqual([]);
      // Released at the user's hour, it goes: send time had its say when it was held.
      expect(h.release(Date.parse('2026-11-03T12:00:00Z')).map(outcomeOf)).toEqual(['queued:push']);
    });

    it('holds a night message to the end of quiet hours when the user has no hour that beats it', () => {
      h = new EngineHarness({ policy: { rateLimit: { enabled: false } } }, { activityByHourOfWeek: () => activeAt(24 + 8) });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      expect(h.decide({ time: Date.parse('2026-11-02T15:00:00Z') })).toMatchObject({ outcome: 'deferred', reason: 'quiet_hours', until: Date.parse('2026-11-03T00:00:00Z') });
      expect(h.release(Date.parse('2026-11-03T00:00:00Z')).map(outcomeOf)).toEqual(['queued:push']);
    });

    it('times a night hold at its release when an experiment arm turns send time off', () => {
      h = new EngineHarness({ policy: { rateLimit: { enabled: false } }, experiments: [{ name: 'timing', salt: 's', arms: [{ name: 'a', sendTime: false }, { name: 'b', sendTime: false }] }] }, { activityByHourOfWeek: () => activeAt(24 + 20) });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      expect(h.decide({ time: Date.parse('2026-11-02T15:00:00Z') })).toMatchObject({ outcome: 'deferred', reason: 'quiet_hours', until: Date.parse('2026-11-03T00:00:00Z') });
      expect(h.release(Date.parse('2026-11-03T00:00:00Z')).map(outcomeOf)).toEqual(['queued:push']);
    });

    it('never schedules inside quiet hours', () => {
      h = new EngineHarness({ policy: { rateLimit: { enabled: false } } }, { activityByHourOfWeek: () => activeAt(23, 1000) });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      const result = h.decide({ time: NOON_SH });
      expect(result.outcome).toBe('queued'); // 23:00 is quiet; nothing else beats now
    });
  });

  describe('channel choice', () => {
    it('follows the type preference order, then promotes a channel the user engages with', () => {
      h = new EngineHarness({ policy: { ...noHolds, ...noBudget, channels: { byType: [{ type: 'abandoned_cart', channels: ['email', 'push'] }] } } });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      expect(outcomeOf(h.decide({ time: NOON_SH }))).toBe('queued:email');
      h.store.transaction(() => {
        h.engine.engagement.record('u1', 'email', { sent: 20, engaged: 0 });
        h.engine.engagement.record('u1', 'push', { sent: 20, engaged: 15 });
      });
      expect(outcomeOf(h.decide({ time: NOON_SH + MINUTE }))).toBe('queued:push');
    });

    it('falls back to the next channel when a send fails permanently', () => {
      h = new EngineHarness({ policy: { ...noHolds, ...noBudget } });
      h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
      const first = h.decide({ time: NOON_SH });
      if (first.outcome !== 'queued') throw new Error(outcomeOf(first));
      const n = first.notification;
      const receipt = (channel: string, excluded: string[]) => ({
        notificationId: n.id, userId: 'u1', type: n.type, channel: channel as 'push', outcome: 'failed' as const, attempts: 1, at: Date.now(), error: 'http_410',
        retry: { dedupeKey: n.dedupeKey!, priority: n.priority, payload: n.payload, excludedChannels: excluded as 'push'[], time: n.candidateTime! },
      });
      const applied = async (channel: string, excluded: string[]) => {
        await h.engine.receipts.append([receipt(channel, excluded)]);
        return h.store.transaction(() => h.engine.applyReceipts(NOON_SH + MINUTE)).fallbacks.map(outcomeOf);
      };
      return (async () => {
        expect(await applied('push', ['push'])).toEqual(['queued:email']);
        expect(await applied('email', ['push', 'email'])).toEqual(['queued:sms']);
        expect(await applied('sms', ['push', 'email', 'sms'])).toEqual(['suppressed:fallback_exhausted']);
        expect(h.engine.engagement.get('u1')).toMatchObject({ push: { failed: 1 }, email: { failed: 1 } });
      })();
    });
  });

  describe('rate limit', () => {
    it('gives marketing beyond the bucket the next free slot, drops it past its validity, lets transactional through', () => {
      h = new EngineHarness({ policy: { sendTime: { enabled: false }, caps: { enabled: false }, rateLimit: { push: { perSecond: 1, burst: 2 } } } });
      for (const id of ['a', 'b', 'c', 'd']) h.user(id, { channels: { pushToken: 't' }, timeZone: 'Asia/Shanghai' });
      const t = NOON_SH;
      expect(outcomeOf(h.decide({ userId: 'a', time: t }))).toBe('queued:push');
      expect(outcomeOf(h.decide({ userId: 'b', time: t }))).toBe('queued:push');
      expect(h.decide({ userId: 'c', time: t })).toMatchObject({ outcome: 'deferred', reason: 'rate_limit', until: t + 1000 });
      expect(outcomeOf(h.decide({ userId: 'd', time: t, payload: { itemId: 'i', validUntil: t + 1500 } }))).toBe('suppressed:rate_limited');
      expect(outcomeOf(h.decide({ userId: 'd', time: t, priority: 'transactional' }))).toBe('queued:push');
      // The held one goes out at its slot without queueing again for a token.
      expect(h.release(t + 1000).map(outcomeOf)).toEqual(['queued:push']);
    });

    it('sends a released message at its rate-limit slot when the watermark has reached it, and holds one it has not', () => {
      h = new EngineHarness({ policy: { sendTime: { enabled: false }, caps: { enabled: false }, rateLimit: { push: { perSecond: 1, burst: 1 } } } });
      for (const id of ['a', 'b', 'c']) h.user(id, { channels: { pushToken: 't' }, timeZone: 'Asia/Shanghai' });
      // All arrive in quiet hours and are held to 08:00; at 08:00 the bucket has one token a second.
      const night = Date.parse('2026-11-02T15:00:00Z');
      const eight = Date.parse('2026-11-03T00:00:00Z');
      for (const userId of ['a', 'b', 'c']) expect(h.decide({ userId, time: night })).toMatchObject({ outcome: 'deferred', reason: 'quiet_hours' });
      const released = h.release(eight + 1_500);
      expect(released.map((result) => (result.outcome === 'queued' ? `queued@${result.notification.decidedAt - eight}` : `${result.outcome}:${'reason' in result ? result.reason : ''}`))).toEqual([
        'queued@0',
        'queued@1000',
        'deferred:rate_limit',
      ]);
      expect(h.engine.scheduled.pending()).toBe(1);
      expect(h.release(eight + 2_000).map(outcomeOf)).toEqual(['queued:push']);
    });
  });

  it('records each decision with its reasons for inspection', () => {
    h = new EngineHarness({ policy: noHolds });
    h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
    h.decide({ time: NOON_SH });
    const [entry] = h.engine.log.recent('u1');
    expect(entry).toMatchObject({ outcome: 'queued', channel: 'push', type: 'abandoned_cart' });
    expect(entry.reasons?.join(' | ')).toMatch(/consent: marketing ok \| channel: push>email>sms \| quiet_hours: outside \| caps: push 0\/3 today/);
  });
});
