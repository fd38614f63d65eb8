// The configuration of learning from feedback (issue #8): attribution of purchases to
// notifications, the per-user fatigue score, the template-variant bandit, and the experiments
// with their arms. Declared here once; `schema.ts` mounts it, `docs.ts` documents it.

import * as z from 'zod';

const probability = () => z.number().min(0).max(1);
const nonEmpty = () => z.string().min(1);

const fatigueSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Lower a user\'s marketing caps as they ignore messages; opens and clicks restore them.'),
    ignoreAfterHours: z.number().positive().default(24).describe('A delivered marketing message not opened within this many hours counts as ignored.'),
    feedbackLiveHours: z
      .number()
      .positive()
      .default(72)
      .describe('Ignored messages count only on channels with an open or click reported within this many hours: without engagement feedback, silence is not disinterest.'),
    halfLifeDays: z.number().positive().default(7).describe('Half-life of an ignored or engaged message in the fatigue score.'),
    engagedWeight: z.number().min(0).default(3).describe('How many ignored messages one open or click makes up for.'),
    priorIgnored: z.number().min(0).default(2).describe('Pseudo-messages in the denominator, so a user with one ignored message is not fatigued yet.'),
    gateAbove: probability()
      .default(0.5)
      .describe('Fatigue at or above which marketing the user did not ask for by their own actions (digests, win-back, campaigns) is not sent (`fatigued`). Only without the value budget (`policy.budget.enabled: false`): with it, fatigue lowers each message\'s value instead.'),
    intentGateAbove: probability()
      .default(1)
      .describe('Fatigue at or above which intent types are not sent either (1: never; a user who ignores nearly everything then gets only transactional messages until they engage or time passes). Only without the value budget, as `gateAbove`.'),
    intentTypes: z
      .array(nonEmpty())
      .default(['abandoned_cart', 'browse_abandonment', 'browse_abandonment_digest', 'price_drop', 'price_drop_digest', 'back_in_stock', 'back_in_stock_digest'])
      .describe('Types about items of the user\'s own intent (carted, watched): fatigue does not lower their caps, and gates them only at `intentGateAbove`.'),
    minDaily: z.number().int().min(0).default(1).describe('Daily total cap a fully fatigued user keeps.'),
    minWeekly: z.number().int().min(0).default(2).describe('Weekly total cap a fully fatigued user keeps.'),
  })
  .describe('Per-user fatigue: caps scaled by (1 - fatigue), fatigue = ignored / (ignored + engagedWeight * engaged + priorIgnored), decayed.');

const banditSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Choose template variants by Thompson sampling per notification type and segment (types with several eligible variants).'),
    reward: z.enum(['click', 'open']).default('click').describe('What counts as a success of an impression.'),
    recencyDays: z.number().min(0).default(3).describe('A variant the user saw for this type within this many days is penalized.'),
    recencyPenalty: probability().default(0.3).describe('Share taken off the sampled rate of a recently seen variant.'),
    seed: z.number().int().min(0).default(7).describe('Seed of the sampling (decisions are deterministic for a stream).'),
  })
  .describe('The template-variant bandit; posteriors (Beta per type, segment and variant) live in LMDB.');

export const learningSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Learn from feedback events: ledger of sent notifications, attribution, fatigue, bandit, experiment counts.'),
    attributionHours: z.number().positive().default(24).describe('A purchase within this many hours after the last touch is attributed to that notification (last touch).'),
    attributionTouch: z
      .enum(['clicked', 'opened', 'delivered'])
      .default('clicked')
      .describe('What makes a notification the user\'s last touch: a click (default), an open, or any delivery.'),
    recommenderClickType: z
      .enum(['view', 'favorite', 'add_to_cart'])
      .default('favorite')
      .describe('A click on a notification about an item teaches the recommender this interaction with it.'),
    fatigue: fatigueSchema.prefault({}),
    bandit: banditSchema.prefault({}),
  })
  .describe('Learning loops fed by feedback (docs/LEARNING.md).');

const armSchema = z.strictObject({
  name: nonEmpty().describe('Arm name, e.g. `control`, `holdout`, `cap2`.'),
  weight: z.number().positive().default(1).describe('Share of users, relative to the other arms.'),
  holdout: z.boolean().default(false).describe('The arm gets no marketing message at all (incremental lift is measured against it).'),
  variant: z
    .strictObject({ type: nonEmpty(), variant: nonEmpty() })
    .optional()
    .describe('Template variant this arm always gets for that type (overrides the bandit).'),
  dailyCap: z.number().int().min(0).optional().describe('Total marketing cap per day for this arm (instead of `policy.caps.total.daily`).'),
  weeklyCap: z.number().int().min(0).optional().describe('Total marketing cap per week for this arm.'),
  sendTime: z.boolean().optional().describe('Whether best send time applies to this arm (default: `policy.sendTime.enabled`).'),
});

const experimentSchema = z.strictObject({
  name: nonEmpty().describe('Experiment name (a metric label: keep it short).'),
  salt: nonEmpty().describe('Mixed into the hash of the user id: another salt reshuffles users.'),
  enabled: z.boolean().default(true),
  control: nonEmpty().optional().describe('Arm that lift is measured against (default: the first arm that is not a holdout).'),
  arms: z.array(armSchema).min(2).describe('The arms; a user is in one, by hash(salt, user) over the weights.'),
});

export const experimentsSchema = z
  .array(experimentSchema)
  .default([])
  .describe('Experiments: users split deterministically by hash(salt + user id) over arms (docs/LEARNING.md).');

export type LearningConfig = z.infer<typeof learningSchema>;
export type ExperimentConfig = z.infer<typeof experimentSchema>;
export type ArmConfig = z.infer<typeof armSchema>;
