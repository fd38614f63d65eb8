// What `pushflow simulate` reports: the notifications pushflow sent and what the simulated users
// did with them (ground truth from the response model), the purchases pushflow itself attributed
// (last touch), opt-outs, and how many marketing messages each user got.

import type { ResponseTotals } from '../sources/simulator/notificationResponses.js';
import type { VariantOutcomes } from '../../state/banditPosteriors.js';

/** Which simulation: the policy, the seed, its size, and what it took. */
export interface SimulationRun {
  policy: string;
  seed: number;
  users: number;
  days: number;
  events: number;
  elapsedMs: number;
  /** Where its state was kept, when asked to keep it. */
  dataDir?: string;
}

export interface SimulationReport extends SimulationRun {
  /** Every notification sent (marketing and transactional). */
  sent: number;
  /** Marketing notifications sent: what the policy controls. */
  marketingSent: number;
  /** Rates over marketing notifications. */
  openRate: number;
  clickThroughRate: number;
  opened: number;
  clicked: number;
  /** Purchases made through a notification click (ground truth). */
  conversions: number;
  conversionRevenue: number;
  /** Purchases pushflow attributed to a notification (last touch within the attribution window). */
  attributedPurchases: number;
  attributedRevenue: number;
  /** Users who opted out of marketing. */
  optOuts: number;
  /** Marketing notifications per user and day: mean, median, 90th percentile, max. */
  perUserPerDay: { mean: number; p50: number; p90: number; max: number };
  /** Per notification type: sent, open and click-through rates, mean relevance of the items to the user (ground truth). */
  byType: Record<string, { sent: number; openRate: number; clickThroughRate: number; relevance: number }>;
  /** Suppressions by reason (caps, consent, holdout...). */
  suppressed: Record<string, number>;
  /** The bandit's posteriors, per type, segment and variant. */
  bandit: { type: string; segment: string; variant: string; outcomes: VariantOutcomes }[];
}

export interface SimulationTotals extends SimulationRun {
  totals: Record<string, unknown>;
  responses: ResponseTotals;
  attributed: number;
  attributedRevenue: number;
  bandit: SimulationReport['bandit'];
}

export function summarizeSimulation(input: SimulationTotals): SimulationReport {
  const { responses } = input;
  const perUser = Float64Array.from(responses.marketingPerUser, (count) => count / input.days).sort();
  const quantile = (q: number) => (perUser.length === 0 ? 0 : perUser[Math.min(perUser.length - 1, Math.floor(q * perUser.length))]);
  const mean = perUser.reduce((sum, value) => sum + value, 0) / Math.max(1, perUser.length);
  const report: SimulationReport = {
    policy: input.policy,
    seed: input.seed,
    users: input.users,
    days: input.days,
    events: input.events,
    elapsedMs: Math.round(input.elapsedMs),
    sent: responses.delivered,
    marketingSent: responses.marketing,
    openRate: ratio(responses.marketingOpened, responses.marketing),
    clickThroughRate: ratio(responses.marketingClicked, responses.marketing),
    opened: responses.marketingOpened,
    clicked: responses.marketingClicked,
    conversions: responses.purchases,
    conversionRevenue: round(responses.revenue, 2),
    attributedPurchases: input.attributed,
    attributedRevenue: round(input.attributedRevenue, 2),
    optOuts: responses.optOuts,
    perUserPerDay: { mean: round(mean, 3), p50: round(quantile(0.5), 3), p90: round(quantile(0.9), 3), max: round(perUser[perUser.length - 1] ?? 0, 3) },
    byType: Object.fromEntries(
      [...responses.byType].map(([type, t]) => [type, { sent: t.sent, openRate: round(ratio(t.opened, t.sent), 4), clickThroughRate: round(ratio(t.clicked, t.sent), 4), relevance: round(ratio(t.relevance, t.sent), 3) }]),
    ),
    suppressed: (input.totals.suppressed as Record<string, number> | undefined) ?? {},
    bandit: input.bandit,
  };
  if (input.dataDir !== undefined) report.dataDir = input.dataDir;
  return report;
}

/** The report as text lines for a terminal. */
export function formatSimulationReport(report: SimulationReport): string {
  const pct = (value: number) => `${(value * 100).toFixed(2)}%`;
  const lines = [
    `pushflow simulate: policy ${report.policy}, seed ${report.seed}, ${report.users} users, ${report.days} days (${report.events} events in ${(report.elapsedMs / 1000).toFixed(1)} s)`,
    `  notifications sent       ${report.sent} (marketing ${report.marketingSent})`,
    `  open rate (marketing)    ${pct(report.openRate)} (${report.opened})`,
    `  click-through rate       ${pct(report.clickThroughRate)} (${report.clicked})`,
    `  conversions (via click)  ${report.conversions} (revenue ${report.conversionRevenue})`,
    `  attributed purchases     ${report.attributedPurchases} (revenue ${report.attributedRevenue}, last touch)`,
    `  opt-outs                 ${report.optOuts}`,
    `  marketing per user/day   mean ${report.perUserPerDay.mean}, p50 ${report.perUserPerDay.p50}, p90 ${report.perUserPerDay.p90}, max ${report.perUserPerDay.max}`,
  ];
  const byType = Object.entries(report.byType).sort((a, b) => b[1].sent - a[1].sent);
  if (byType.length > 0) lines.push('  by type (sent, open rate, CTR, mean relevance):');
  for (const [type, t] of byType) lines.push(`    ${type.padEnd(32)} ${String(t.sent).padStart(6)} ${pct(t.openRate).padStart(7)} ${pct(t.clickThroughRate).padStart(7)} ${t.relevance.toFixed(2)}`);
  const suppressed = Object.entries(report.suppressed).sort((a, b) => b[1] - a[1]);
  if (suppressed.length > 0) lines.push(`  suppressed               ${suppressed.map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
  const byVariant = new Map<string, VariantOutcomes>();
  for (const { type, variant, outcomes } of report.bandit) {
    const key = `${type}/${variant}`;
    const sum = byVariant.get(key) ?? { impressions: 0, successes: 0 };
    byVariant.set(key, { impressions: sum.impressions + outcomes.impressions, successes: sum.successes + outcomes.successes });
  }
  if (byVariant.size > 0) {
    lines.push('  bandit (impressions, successes, rate):');
    for (const [key, { impressions, successes }] of [...byVariant].sort()) lines.push(`    ${key.padEnd(32)} ${impressions} ${successes} ${pct(ratio(successes, impressions))}`);
  }
  if (report.dataDir !== undefined) lines.push(`  state kept in ${report.dataDir} (pushflow report experiments --data-dir ${report.dataDir})`);
  return `${lines.join('\n')}\n`;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
