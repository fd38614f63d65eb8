// The inputs best-send-time reads, behind one small interface so that the user profiles (#3),
// segments and the behaviour model (#5) plug in without the policy knowing them. Every array is
// indexed by LOCAL hour of week: 0 = Monday 00:00-00:59 ... 167 = Sunday 23:00-23:59 (see
// `hourOfWeek` in zonedTime.ts). Any method may be absent or return undefined; the policy then
// falls back on the platform's own pattern, learnt from the event stream.

export interface SendTimeSignals {
  /** The user's own activity counts per local hour of week (168, any non-negative scale: raw or decayed counts). */
  activityByHourOfWeek?(userId: string): Float64Array | undefined;
  /** The pattern of the user's segment (168, any scale; normalised before use). */
  segmentActivityByHourOfWeek?(userId: string): Float64Array | undefined;
  /**
   * The behaviour model's probability that the user is active, per local hour of week (168) or
   * per local hour of day (24, repeated over the week).
   */
  activeHourProbabilities?(userId: string): Float64Array | undefined;
}

export const NO_SIGNALS: SendTimeSignals = {};
