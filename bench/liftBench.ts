// Personalized against blast (and random) on the simulated platform, seed by seed: the same
// world, the same triggers, the same ground-truth users; only the policy differs. Runs what
// `pushflow simulate --policy P --seed S` runs, in-process, and prints the table of
// docs/BENCHMARKS.md with the criteria checked per seed.
// Usage: node dist/bench/liftBench.js [--users 500] [--days 14] [--seeds 1,2,3] [--policies personalized,blast]

import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/loadConfig.js';
import { policyOverrides, type SimulationPolicy } from '../src/simulate/simulationPolicies.js';
import { deepMerge } from '../src/simulate/simulationPolicies.js';
import { simulatePlatform, temporaryDataDir } from '../src/simulate/simulatedPlatform.js';
import type { SimulationReport } from '../src/simulate/simulationReport.js';

const { values } = parseArgs({
  options: { users: { type: 'string', default: '500' }, days: { type: 'string', default: '14' }, seeds: { type: 'string', default: '1,2,3' }, policies: { type: 'string', default: 'personalized,blast' }, responsiveness: { type: 'string', default: '0' } },
});
const users = Number(values.users);
const days = Number(values.days);
const seeds = values.seeds.split(',').map(Number);
const policies = values.policies.split(',') as SimulationPolicy[];
const responsiveness = Number(values.responsiveness);

const pct = (value: number) => `${(value * 100).toFixed(2)}%`;
const rows: SimulationReport[] = [];
for (const seed of seeds) {
  for (const policy of policies) {
    const config = loadConfig({ env: {}, overrides: deepMerge(policyOverrides(policy), { dataDir: temporaryDataDir() }) });
    const report = await simulatePlatform({ config, policy, users, days, seed, responsiveness });
    rows.push(report);
    console.error(`seed ${seed} ${policy}: ${report.marketingSent} marketing, CTR ${pct(report.clickThroughRate)}, attributed ${report.attributedPurchases}, opt-outs ${report.optOuts} (${(report.elapsedMs / 1000).toFixed(0)} s)`);
  }
}

console.log(`lift: ${users} users, ${days} days, responsiveness sigma ${responsiveness}; marketing notifications are what the policy controls (order updates are the same for every policy)`);
console.log('| seed | policy | sent (marketing) | open rate | CTR | conversions via click | attributed purchases | opt-outs | marketing/user/day mean (p90, max) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.seed} | ${r.policy} | ${r.sent} (${r.marketingSent}) | ${pct(r.openRate)} | ${pct(r.clickThroughRate)} | ${r.conversions} | ${r.attributedPurchases} | ${r.optOuts} | ${r.perUserPerDay.mean} (${r.perUserPerDay.p90}, ${r.perUserPerDay.max}) |`);
}
if (policies.includes('personalized') && policies.includes('blast')) {
  console.log('');
  console.log('| seed | CTR ratio (>= 2) | attributed: personalized vs blast (more) | marketing sent ratio (<= 0.5) | all sent ratio | opt-outs: personalized vs blast (fewer) | all met |');
  console.log('|---|---|---|---|---|---|---|');
  for (const seed of seeds) {
    const p = rows.find((r) => r.seed === seed && r.policy === 'personalized')!;
    const b = rows.find((r) => r.seed === seed && r.policy === 'blast')!;
    const ctr = p.clickThroughRate / b.clickThroughRate;
    const sent = p.marketingSent / b.marketingSent;
    const met = ctr >= 2 && p.attributedPurchases > b.attributedPurchases && sent <= 0.5 && p.optOuts < b.optOuts;
    console.log(`| ${seed} | ${ctr.toFixed(2)} | ${p.attributedPurchases} vs ${b.attributedPurchases} | ${sent.toFixed(3)} | ${(p.sent / b.sent).toFixed(3)} | ${p.optOuts} vs ${b.optOuts} | ${met ? 'yes' : 'no'} |`);
  }
}
