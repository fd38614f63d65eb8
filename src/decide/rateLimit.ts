// Global rate limits per channel, to protect providers: a token bucket per channel in event time
// (kept as GCRA's theoretical arrival time, so a reservation is one number). Transactional
// messages always pass and use up capacity; marketing beyond the bucket is given the next free
// slot and held to it (a durable timer), or dropped as `rate_limited` when that slot is past its
// validity. A release (the 08:00 burst of the night's holds) whose slot the watermark has already
// reached goes at that slot, without a timer that would only be released in the same pass. Event
// time makes replays reproduce the same decisions; the buckets live in memory and start full
// after a restart.

import type { PushflowConfig } from '../config/schema.js';
import type { Channel } from '../events/types.js';
import type { PolicyContext, PolicyRule, RuleVerdict } from './policy.js';

export type RateLimitConfig = PushflowConfig['policy']['rateLimit'];

/** GCRA: one token per `interval`, up to `burst` at once. */
export class TokenBucket {
  private readonly interval: number;
  private readonly tolerance: number;
  private arrival = -Infinity;

  constructor(perSecond: number, burst: number) {
    this.interval = 1000 / perSecond;
    this.tolerance = this.interval * (burst - 1);
  }

  /** Earliest time at or after `now` a token is free (without taking it). */
  nextFree(now: number): number {
    const arrival = Math.max(this.arrival, now);
    return Math.max(now, arrival - this.tolerance);
  }

  /** Takes the token free at `nextFree(now)`. */
  take(now: number): void {
    this.arrival = Math.max(this.arrival, now) + this.interval;
  }

  /** Tokens left now (for inspection). */
  available(now: number): number {
    const arrival = Math.max(this.arrival, now);
    return Math.max(0, Math.floor((this.tolerance - (arrival - now)) / this.interval) + 1);
  }
}

export class ChannelRateLimits {
  private readonly buckets = new Map<Channel, TokenBucket>();

  constructor(private readonly config: RateLimitConfig) {}

  bucket(channel: Channel): TokenBucket {
    let bucket = this.buckets.get(channel);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.config[channel].perSecond, this.config[channel].burst);
      this.buckets.set(channel, bucket);
    }
    return bucket;
  }
}

/**
 * Takes a token on the first open channel; holds or drops marketing when none is free.
 * @example
 * rateLimitRule(new ChannelRateLimits(config.policy.rateLimit));
 */
export function rateLimitRule(limits: ChannelRateLimits): PolicyRule {
  return {
    name: 'rate_limit',
    apply(context: PolicyContext): RuleVerdict {
      const channel = context.channels[0];
      if (context.released?.reservedChannel === channel) {
        context.reasons.push('rate_limit: slot reserved');
        return undefined;
      }
      const bucket = limits.bucket(channel);
      const free = bucket.nextFree(context.now);
      if (context.candidate.priority === 'transactional' || free <= context.now) {
        bucket.take(context.now);
        context.reasons.push('rate_limit: ok');
        return undefined;
      }
      if (free > context.validUntil) return { suppress: 'rate_limited' };
      bucket.take(context.now);
      if (context.horizon !== undefined && free <= context.horizon) {
        context.reasons.push(['rate_limit: slot at {t}, already reached', free]);
        context.sendAt = free;
        return undefined;
      }
      context.reasons.push(['rate_limit: slot at {t}', free]);
      return { defer: free, reason: 'rate_limit', reservedChannel: channel };
    },
  };
}
