// Quiet hours in the user's time zone (default 22:00-08:00): marketing that arises in the window
// is held to its end, not dropped; transactional passes unless configured to wait as well. A
// message held past its validity is dropped with `quiet_hours_expired`.

import type { PushflowConfig } from '../config/schema.js';
import type { PolicyContext, PolicyRule, RuleVerdict } from './policy.js';
import { localMinuteOfDay, nextLocalTime, parseClockTime } from './zonedTime.js';

export type QuietHoursConfig = PushflowConfig['policy']['quietHours'];

export interface QuietWindow {
  start: number;
  end: number;
}

export function quietWindow(config: QuietHoursConfig): QuietWindow {
  return { start: parseClockTime(config.start), end: parseClockTime(config.end) };
}

/** Whether local minute-of-day `minute` falls in the window (which may span midnight). */
export function inQuietWindow(window: QuietWindow, minute: number): boolean {
  if (window.start === window.end) return false;
  return window.start < window.end ? minute >= window.start && minute < window.end : minute >= window.start || minute < window.end;
}

/** When the quiet window containing `time` ends, or undefined when `time` is outside it. */
export function quietWindowEnd(window: QuietWindow, zone: string, time: number): number | undefined {
  if (!inQuietWindow(window, localMinuteOfDay(zone, time))) return undefined;
  return nextLocalTime(zone, time, window.end);
}

/**
 * Holds marketing (and, if so configured, transactional) messages to the end of the window.
 * @example
 * quietHoursRule({ enabled: true, start: '22:00', end: '08:00', transactional: 'send' });
 */
export function quietHoursRule(config: QuietHoursConfig): PolicyRule {
  const window = quietWindow(config);
  return {
    name: 'quiet_hours',
    apply(context: PolicyContext): RuleVerdict {
      const end = quietWindowEnd(window, context.zone, context.now);
      if (end === undefined) {
        context.reasons.push('quiet_hours: outside');
        return undefined;
      }
      if (context.candidate.priority === 'transactional' && config.transactional === 'send') {
        context.reasons.push('quiet_hours: inside, transactional passes');
        return undefined;
      }
      if (end > context.validUntil) return { suppress: 'quiet_hours_expired' };
      context.reasons.push(['quiet_hours: held to {t}', end]);
      return { defer: end, reason: 'quiet_hours' };
    },
  };
}
