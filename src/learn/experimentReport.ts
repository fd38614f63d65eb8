// The experiments report (`pushflow report experiments`, `/experiments`): per arm the counts,
// rates with 95% Wilson intervals, and lift against the control arm and the holdout with a
// two-sided two-proportion z-test. Message rates (open, click-through) are per message sent;
// conversion and opt-out rates are per exposed user, the only unit a holdout (which is sent
// nothing) shares with the other arms, so lift against the holdout is incremental lift.

import type { ExperimentConfig } from '../config/learningSchema.js';
import type { PushflowConfig } from '../config/schema.js';
import { ExperimentStats, type ArmCounts } from '../../state/experimentStats.js';
import type { StateStore } from '../../state/stateStore.js';
import { controlArm } from './experimentAssignment.js';
import { ALL_TRAFFIC } from './feedbackLearning.js';

const Z_95 = 1.959964;
const SIGNIFICANCE = 0.05;

export interface Rate {
  rate: number;
  low: number;
  high: number;
}

export interface Comparison {
  /** Relative lift of the arm's rate over the reference's ((a - b) / b); null when the reference is 0. */
  lift: number | null;
  /** Difference in rate points (a - b). */
  difference: number;
  pValue: number;
  /**
   * In a report: the p-value after Holm's correction over every comparison of the experiment
   * (each arm against control and holdout, on each metric), so that looking at many of them
   * does not make one significant by chance; `significant` then says whether it is below 0.05.
   */
  adjustedPValue?: number;
  significant: boolean;
}

export interface ArmReport {
  arm: string;
  holdout: boolean;
  counts: ArmCounts;
  openRate: Rate;
  clickThroughRate: Rate;
  conversionRate: Rate;
  optOutRate: Rate;
  /** Purchases per exposed user after exposure: the mean, with a 95% interval. */
  purchasesPerUser: Rate;
  /** Against the control arm: conversion, purchases per user, click-through and opt-out rates. */
  vsControl?: { conversion: Comparison; purchases: Comparison; clickThrough: Comparison; optOut: Comparison };
  /** Against the holdout: conversion, purchases per user and opt-out rates (incremental lift). */
  vsHoldout?: { conversion: Comparison; purchases: Comparison; optOut: Comparison };
}

export interface ExperimentReport {
  experiment: string;
  control?: string;
  holdout?: string;
  arms: ArmReport[];
}

/** 95% Wilson score interval of `successes` out of `trials`. */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Rate {
  if (trials === 0) return { rate: 0, low: 0, high: 0 };
  const p = successes / trials;
  const z2 = z * z;
  const center = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return { rate: p, low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** Two-sided two-proportion z-test of a = sa/na against b = sb/nb (pooled variance). */
export function compareProportions(sa: number, na: number, sb: number, nb: number): Comparison {
  const a = na === 0 ? 0 : sa / na;
  const b = nb === 0 ? 0 : sb / nb;
  const pooled = na + nb === 0 ? 0 : (sa + sb) / (na + nb);
  const se = Math.sqrt(pooled * (1 - pooled) * (na === 0 || nb === 0 ? Infinity : 1 / na + 1 / nb));
  const z = se === 0 || !Number.isFinite(se) ? 0 : (a - b) / se;
  const pValue = na === 0 || nb === 0 || se === 0 ? 1 : 2 * (1 - normalCdf(Math.abs(z)));
  return { lift: b === 0 ? null : (a - b) / b, difference: a - b, pValue, significant: pValue < SIGNIFICANCE };
}

/** Mean per user with a 95% interval, from the sum and sum of squares over `users` (normal approximation). */
export function meanPerUser(sum: number, sumOfSquares: number, users: number, z = Z_95): Rate {
  if (users === 0) return { rate: 0, low: 0, high: 0 };
  const mean = sum / users;
  const half = z * Math.sqrt(sampleVariance(sum, sumOfSquares, users) / users);
  return { rate: mean, low: Math.max(0, mean - half), high: mean + half };
}

/**
 * Two means per user (Welch: unequal variances), from each arm's sum, sum of squares and users;
 * two-sided, normal approximation (arms of a few dozen users and more). Purchases per user are
 * heavy-tailed (a few users buy a lot), which a Poisson model would ignore.
 */
export function compareMeans(sa: number, ssa: number, na: number, sb: number, ssb: number, nb: number): Comparison {
  const a = na === 0 ? 0 : sa / na;
  const b = nb === 0 ? 0 : sb / nb;
  const lift = b === 0 ? null : (a - b) / b;
  if (na < 2 || nb < 2) return { lift, difference: a - b, pValue: 1, significant: false };
  const se = Math.sqrt(sampleVariance(sa, ssa, na) / na + sampleVariance(sb, ssb, nb) / nb);
  const pValue = se === 0 ? 1 : 2 * (1 - normalCdf(Math.abs(a - b) / se));
  return { lift, difference: a - b, pValue, significant: pValue < SIGNIFICANCE };
}

function sampleVariance(sum: number, sumOfSquares: number, n: number): number {
  return n < 2 ? 0 : Math.max(0, (sumOfSquares - (sum * sum) / n) / (n - 1));
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** The report of every configured experiment (and of all traffic first), from a data directory's state. */
export function experimentsReport(state: StateStore, config: Pick<PushflowConfig, 'experiments'>): ExperimentReport[] {
  const stats = new ExperimentStats(state);
  const stored = stats.allCounts();
  const experiments: ExperimentConfig[] = [ALL_TRAFFIC, ...config.experiments.filter(({ name }) => name !== ALL_TRAFFIC.name)];
  // Experiments with counts but no longer configured are still shown, without a control.
  for (const name of stored.keys()) {
    if (!experiments.some((experiment) => experiment.name === name)) {
      experiments.push({ name, salt: '', enabled: false, arms: [...stored.get(name)!.keys()].map((arm) => ({ name: arm, weight: 1, holdout: arm === 'holdout' })) });
    }
  }
  return experiments.map((experiment) => experimentReport(experiment, stored.get(experiment.name) ?? new Map()));
}

export function experimentReport(experiment: ExperimentConfig, counts: ReadonlyMap<string, ArmCounts>): ExperimentReport {
  const control = experiment.arms.length > 1 ? controlArm(experiment) : undefined;
  const holdout = experiment.arms.find((arm) => arm.holdout);
  const countsOf = (arm: string) => counts.get(arm) ?? ({ users: 0, sent: 0, withheld: 0, delivered: 0, opened: 0, clicked: 0, attributed: 0, attributedRevenue: 0, converters: 0, purchases: 0, purchasesSquared: 0, optOuts: 0 } satisfies ArmCounts);
  const report: ExperimentReport = { experiment: experiment.name, arms: [] };
  if (control !== undefined) report.control = control.name;
  if (holdout !== undefined) report.holdout = holdout.name;
  for (const arm of experiment.arms) {
    const c = countsOf(arm.name);
    const armReport: ArmReport = {
      arm: arm.name,
      holdout: arm.holdout,
      counts: c,
      openRate: wilsonInterval(c.opened, c.sent),
      clickThroughRate: wilsonInterval(c.clicked, c.sent),
      conversionRate: wilsonInterval(c.converters, c.users),
      optOutRate: wilsonInterval(c.optOuts, c.users),
      purchasesPerUser: meanPerUser(c.purchases, c.purchasesSquared, c.users),
    };
    if (control !== undefined && arm.name !== control.name && !arm.holdout) {
      const k = countsOf(control.name);
      armReport.vsControl = {
        conversion: compareProportions(c.converters, c.users, k.converters, k.users),
        purchases: compareMeans(c.purchases, c.purchasesSquared, c.users, k.purchases, k.purchasesSquared, k.users),
        clickThrough: compareProportions(c.clicked, c.sent, k.clicked, k.sent),
        optOut: compareProportions(c.optOuts, c.users, k.optOuts, k.users),
      };
    }
    if (holdout !== undefined && !arm.holdout) {
      const h = countsOf(holdout.name);
      armReport.vsHoldout = {
        conversion: compareProportions(c.converters, c.users, h.converters, h.users),
        purchases: compareMeans(c.purchases, c.purchasesSquared, c.users, h.purchases, h.purchasesSquared, h.users),
        optOut: compareProportions(c.optOuts, c.users, h.optOuts, h.users),
      };
    }
    report.arms.push(armReport);
  }
  holmCorrection(report.arms.flatMap((arm) => [...Object.values(arm.vsControl ?? {}), ...Object.values(arm.vsHoldout ?? {})]));
  return report;
}

/**
 * Holm-Bonferroni over a family of comparisons: the i-th smallest p-value of m is multiplied by
 * m - i (i from 0), made monotone, capped at 1; a comparison is significant when its adjusted
 * p-value is below the level. Controls the chance of any false discovery at the level.
 */
export function holmCorrection(comparisons: Comparison[]): void {
  const ordered = [...comparisons].sort((a, b) => a.pValue - b.pValue);
  let running = 0;
  ordered.forEach((comparison, i) => {
    running = Math.max(running, Math.min(1, (ordered.length - i) * comparison.pValue));
    comparison.adjustedPValue = running;
    comparison.significant = running < SIGNIFICANCE;
  });
}

/** The report as a text table. */
export function formatExperimentsReport(reports: readonly ExperimentReport[]): string {
  const pct = (value: number) => `${(value * 100).toFixed(2)}%`;
  const rate = (r: Rate) => `${pct(r.rate)} [${pct(r.low)}, ${pct(r.high)}]`;
  const perUser = (r: Rate) => `${r.rate.toFixed(3)} [${r.low.toFixed(3)}, ${r.high.toFixed(3)}]`;
  const versus = (c: Comparison | undefined) => (c === undefined ? '-' : `${c.lift === null ? 'n/a' : `${c.lift >= 0 ? '+' : ''}${(c.lift * 100).toFixed(1)}%`} (p=${c.pValue.toFixed(3)}${c.adjustedPValue !== undefined ? `, Holm ${c.adjustedPValue.toFixed(3)}` : ''}${c.significant ? ', significant' : ''})`);
  const lines: string[] = [];
  for (const report of reports) {
    const roles = [report.control ? `control ${report.control}` : undefined, report.holdout ? `holdout ${report.holdout}` : undefined].filter(Boolean).join(', ');
    lines.push(`experiment ${report.experiment}${roles ? ` (${roles})` : ''}`);
    lines.push('  arm            users  sent  withheld  opens  clicks  attributed  converters  purchases  opt-outs');
    for (const { arm, counts: c } of report.arms) {
      lines.push(`  ${arm.padEnd(12)} ${String(c.users).padStart(6)} ${String(c.sent).padStart(5)} ${String(c.withheld).padStart(9)} ${String(c.opened).padStart(6)} ${String(c.clicked).padStart(7)} ${String(c.attributed).padStart(11)} ${String(c.converters).padStart(11)} ${String(c.purchases).padStart(10)} ${String(c.optOuts).padStart(9)}`);
    }
    for (const arm of report.arms) {
      lines.push(`  ${arm.arm}: open ${rate(arm.openRate)}, CTR ${rate(arm.clickThroughRate)}, conversion ${rate(arm.conversionRate)}, purchases/user ${perUser(arm.purchasesPerUser)}, opt-out ${rate(arm.optOutRate)}`);
      if (arm.vsControl) lines.push(`    vs control: conversion ${versus(arm.vsControl.conversion)}, purchases/user ${versus(arm.vsControl.purchases)}, CTR ${versus(arm.vsControl.clickThrough)}, opt-out ${versus(arm.vsControl.optOut)}`);
      if (arm.vsHoldout) lines.push(`    vs holdout: conversion ${versus(arm.vsHoldout.conversion)}, purchases/user ${versus(arm.vsHoldout.purchases)}, opt-out ${versus(arm.vsHoldout.optOut)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
