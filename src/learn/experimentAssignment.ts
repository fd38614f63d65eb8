// Deterministic experiment assignment: a user's arm is a function of the experiment's salt and
// the user id only (a SHA-256 of both, as a point in [0, 1) laid over the arms' weights), so it
// is the same in every process, replay and restart, and a new salt reshuffles users.

import { createHash } from 'node:crypto';
import type { ArmConfig, ExperimentConfig } from '../config/learningSchema.js';

/** A point in [0, 1) from the salt and the user id. */
export function assignmentPoint(salt: string, userId: string): number {
  const digest = createHash('sha256').update(salt).update('\u0000').update(userId).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

/**
 * The arm of `userId` in `experiment`, by weight.
 * @example
 * assignArm({ name: 'caps', salt: 's1', arms: [{ name: 'control', weight: 1 }, { name: 'holdout', weight: 1, holdout: true }] }, 'user-7');
 * // the same arm on every call, for every process
 */
export function assignArm(experiment: Pick<ExperimentConfig, 'salt' | 'arms'>, userId: string): ArmConfig {
  const { arms } = experiment;
  if (arms.length === 1) return arms[0];
  let total = 0;
  for (const arm of arms) total += arm.weight;
  let point = assignmentPoint(experiment.salt, userId) * total;
  for (const arm of arms) {
    point -= arm.weight;
    if (point < 0) return arm;
  }
  return arms[arms.length - 1];
}

/** The arm lift is measured against: the named control, else the first arm that is not a holdout. */
export function controlArm(experiment: ExperimentConfig): ArmConfig | undefined {
  if (experiment.control !== undefined) return experiment.arms.find((arm) => arm.name === experiment.control);
  return experiment.arms.find((arm) => !arm.holdout);
}
