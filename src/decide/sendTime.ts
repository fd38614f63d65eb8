// Best send time: marketing goes out at the hour the user is most likely to be active within its
// validity window, outside quiet hours; transactional goes now. The score of a local hour of
// week mixes the user's own counts with a prior, shrinking users with little history toward
// their segment's pattern and the platform's (the prior is worth `priorStrength` events), then
// blends in the behaviour model's active-hour probabilities where present; `dayPooling` mixes in
// the same hour of day over the week (one slot's counts are sparse). A later hour is only
// chosen if it beats the current hour by `minLift`; the hold is a durable event-time timer.

import type { PushflowConfig } from '../config/schema.js';
import { HOURS_PER_WEEK, type PlatformActivity } from '../../state/platformActivity.js';
import { releasedFromTimingHold, type PolicyContext, type PolicyRule, type RuleVerdict } from './policy.js';
import { inQuietWindow, quietWindow, type QuietHoursConfig, type QuietWindow } from './quietHours.js';
import type { SendTimeSignals } from './sendTimeSignals.js';
import { hourOfWeekOfWall, minuteOfDayOfWall, msIntoHourOfWall, zoneOffsetMs } from './zonedTime.js';

export type SendTimeConfig = PushflowConfig['policy']['sendTime'];

const HOUR_MS = 3_600_000;
const UNIFORM = 1 / HOURS_PER_WEEK;

/** Scores hours of week for one user; built per decision, cheap (one pass over 168 slots at most). */
export class HourScores {
  private readonly prior: Float64Array | undefined;
  private readonly user: Float64Array | undefined;
  private readonly userTotal: number;
  private readonly behavior: Float64Array | undefined;
  private readonly behaviorTotal: number;

  constructor(
    userId: string,
    private readonly config: SendTimeConfig,
    platform: PlatformActivity,
    signals: SendTimeSignals,
  ) {
    const platformTrusted = platform.weight() >= config.minPlatformEvents && platform.weight() > 0;
    const segment = signals.segmentActivityByHourOfWeek?.(userId);
    const segmentTotal = segment ? sum(segment) : 0;
    if (platformTrusted || segmentTotal > 0) {
      const prior = new Float64Array(HOURS_PER_WEEK);
      const platformTotal = platform.weight();
      const segmentShare = segmentTotal > 0 ? (platformTrusted ? config.segmentWeight : 1) : 0;
      for (let h = 0; h < HOURS_PER_WEEK; h++) {
        const fromPlatform = platformTrusted ? platform.counts[h] / platformTotal : UNIFORM;
        const fromSegment = segmentTotal > 0 ? segment![h] / segmentTotal : 0;
        prior[h] = segmentShare * fromSegment + (1 - segmentShare) * fromPlatform;
      }
      this.prior = prior;
    }
    this.user = signals.activityByHourOfWeek?.(userId);
    this.userTotal = this.user ? sum(this.user) : 0;
    this.behavior = signals.activeHourProbabilities?.(userId);
    this.behaviorTotal = this.behavior ? sum(this.behavior) : 0;
  }

  /** Scores of the 168 hours before day pooling, and their sums per hour of day; built at first use. */
  private byHour: { week: Float64Array; day: Float64Array } | undefined;

  private hours(): { week: Float64Array; day: Float64Array } {
    if (this.byHour === undefined) {
      const week = new Float64Array(HOURS_PER_WEEK);
      const day = new Float64Array(24);
      for (let slot = 0; slot < HOURS_PER_WEEK; slot++) {
        week[slot] = this.weekScore(slot);
        day[slot % 24] += week[slot];
      }
      this.byHour = { week, day };
    }
    return this.byHour;
  }

  /** Probability-like score of local hour of week `h` (they sum to 1 over the week). */
  score(h: number): number {
    const { week, day } = this.hours();
    const pooling = this.config.dayPooling;
    return pooling <= 0 ? week[h] : (1 - pooling) * week[h] + (pooling * day[h % 24]) / 7;
  }

  private weekScore(h: number): number {
    const prior = this.prior ? this.prior[h] : UNIFORM;
    const k = this.config.priorStrength;
    let score = this.userTotal > 0 ? (this.user![h] + k * prior) / (this.userTotal + k) : prior;
    if (this.behaviorTotal > 0) {
      const b = this.behavior!;
      const p = b.length === 24 ? b[h % 24] / (this.behaviorTotal * 7) : b[h] / this.behaviorTotal;
      score = (1 - this.config.behaviorWeight) * score + this.config.behaviorWeight * p;
    }
    return score;
  }

  /**
   * Each local hour of day's share of the week's score: the sum of `score` over its seven hours
   * of week (day pooling moves score between the days of an hour, not between hours).
   */
  dayTotals(): Float64Array {
    return this.hours().day.slice();
  }

  /** Whether any signal distinguishes hours at all (else every hour scores the same). */
  informative(): boolean {
    return this.prior !== undefined || this.userTotal > 0 || this.behaviorTotal > 0;
  }
}

/**
 * The users' hour scores for the span of one decision: the send-time rule and the value budget
 * ask for the same user's, and building them reads every signal and passes over the 168 hours.
 * The decision engine clears it before each decision, so no score outlives a change of its inputs.
 */
export class HourScoresMemo {
  private readonly byUser = new Map<string, HourScores>();

  constructor(
    private readonly config: SendTimeConfig,
    private readonly platform: PlatformActivity,
    private readonly signals: SendTimeSignals,
  ) {}

  of(userId: string): HourScores {
    let scores = this.byUser.get(userId);
    if (scores === undefined) {
      scores = new HourScores(userId, this.config, this.platform, this.signals);
      this.byUser.set(userId, scores);
    }
    return scores;
  }

  clear(): void {
    if (this.byUser.size > 0) this.byUser.clear();
  }
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

export interface BestSlot {
  time: number;
  score: number;
  nowScore: number;
}

/**
 * The best time in [now, until] outside the quiet window (`undefined`: quiet hours are off): now,
 * or the start of a later local hour. Undefined when every candidate time is in quiet hours.
 */
export function bestSendTime(scores: HourScores, zone: string, now: number, until: number, quiet: QuietWindow | undefined): BestSlot | undefined {
  // Each step reads the zone's offset once: the hour's start, its minute of day and its hour of
  // week all come from it (a second lookup only when a DST change falls inside the step's hour).
  const allowed = (wall: number) => quiet === undefined || !inQuietWindow(quiet, minuteOfDayOfWall(wall));
  const nowWall = now + zoneOffsetMs(zone, now);
  const nowScore = scores.score(hourOfWeekOfWall(nowWall));
  let bestTime = allowed(nowWall) ? now : undefined;
  let bestScore = nowScore;
  const last = Math.min(until, now + HOURS_PER_WEEK * HOUR_MS);
  for (let time = now - msIntoHourOfWall(nowWall) + HOUR_MS; time <= last; time += HOUR_MS) {
    // Hours are counted in UTC steps; a DST change only shifts which local hour comes next.
    const timeOffset = zoneOffsetMs(zone, time);
    const slot = time - msIntoHourOfWall(time + timeOffset);
    const wall = slot + (slot === time ? timeOffset : zoneOffsetMs(zone, slot));
    if (!allowed(wall)) continue;
    const score = scores.score(hourOfWeekOfWall(wall));
    if (bestTime === undefined || score > bestScore) {
      bestTime = slot;
      bestScore = score;
    }
  }
  return bestTime === undefined ? undefined : { time: bestTime, score: bestScore, nowScore };
}

/** How the send-time rule words its notes, deciding from now or from the end of a quiet-hours hold. */
interface TimingNotes {
  noSignal: string;
  stay: string;
  stayScored: string;
  later: string;
}

const FROM_NOW: TimingNotes = {
  noSignal: 'send_time: no activity signal, now',
  stay: 'send_time: now (score -)',
  stayScored: 'send_time: now (score {4})',
  later: 'send_time: held to {t} (score {4} vs {4} now)',
};
const FROM_WINDOW_END: TimingNotes = {
  noSignal: 'send_time: no activity signal, at the end',
  stay: 'send_time: at the end (score -)',
  stayScored: 'send_time: at the end (score {4})',
  later: 'send_time: held on to {t} (score {4} vs {4} at the end)',
};

/**
 * Holds marketing to the user's best hour when it clearly beats now.
 * @example
 * sendTimeRule(config.policy.sendTime, config.policy.quietHours, new HourScoresMemo(config.policy.sendTime, platform, signals));
 */
export function sendTimeRule(config: SendTimeConfig, quiet: QuietHoursConfig, scoresOf: HourScoresMemo): PolicyRule {
  const window = quiet.enabled ? quietWindow(quiet) : undefined;
  /** The time to send at: `from`, or a later hour that beats it by `minLift`; notes which. */
  const bestFrom = (context: PolicyContext, from: number, notes: TimingNotes): number => {
    const scores = scoresOf.of(context.candidate.userId);
    if (!scores.informative()) {
      context.reasons.push(notes.noSignal);
      return from;
    }
    const best = bestSendTime(scores, context.zone, from, context.validUntil, window);
    if (best === undefined || best.time === from || best.score < best.nowScore * config.minLift) {
      context.reasons.push(best === undefined ? notes.stay : [notes.stayScored, best.nowScore]);
      return from;
    }
    context.reasons.push([notes.later, best.time, best.score, best.nowScore]);
    return best.time;
  };
  return {
    name: 'send_time',
    apply(context: PolicyContext): RuleVerdict {
      // A message held by quiet hours was timed when it was held (`retime`), unless the rule had no
      // say then (an experiment arm without send time, a message held before timing was joined);
      // one it held already, or a rate-limit slot, goes.
      const released = context.released;
      if (context.candidate.priority !== 'marketing' || (releasedFromTimingHold(context) && (released?.reason !== 'quiet_hours' || released.timed === true))) return undefined;
      const time = bestFrom(context, context.now, FROM_NOW);
      return time === context.now ? undefined : { defer: time, reason: 'send_time' };
    },
    // Quiet hours hold a message to the window's end; the user's best hour from then on is chosen
    // at once (else everything the night brings goes out at the window's end, whatever the user's
    // hours, or waits on a second timer set at the end).
    retime(context: PolicyContext, earliest: number): number | undefined {
      return context.candidate.priority === 'marketing' ? bestFrom(context, earliest, FROM_WINDOW_END) : undefined;
    },
  };
}
