// `pushflow simulate` end to end: the real binary over a real LMDB directory, the simulated
// users' responses coming back as events (feedback, visits, purchases, opt-outs), the report
// of what happened, determinism by seed, and `report experiments` reading the same directory.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPushflow } from '../support/pushflowChild.js';
import { configSchema } from '../../src/config/schema.js';
import { deepMerge, policyOverrides } from '../../src/simulate/simulationPolicies.js';
import { simulatePlatform } from '../../src/simulate/simulatedPlatform.js';
import type { SimulationReport } from '../../src/simulate/simulationReport.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'pushflow-sim-test-'));
  dirs.push(dir);
  return join(dir, 'data');
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const experiment = { name: 'caps', salt: 'caps-test', arms: [{ name: 'control' }, { name: 'cap1', dailyCap: 1 }, { name: 'holdout', holdout: true, weight: 0.5 }] };

async function simulate(policy: 'personalized' | 'blast', seed: number, responsiveness = 0): Promise<SimulationReport> {
  const config = configSchema.parse(deepMerge(policyOverrides(policy), { dataDir: freshDir(), experiments: [experiment] }));
  return simulatePlatform({ config, policy, users: 80, days: 2, seed, items: 800, responsiveness });
}

describe('pushflow simulate', () => {
  it('is deterministic for a seed and a policy, and users respond to what they are sent', async () => {
    const [first, second] = [await simulate('personalized', 5), await simulate('personalized', 5)];
    const { elapsedMs: _a, ...a } = first;
    const { elapsedMs: _b, ...b } = second;
    expect(a).toEqual(b);
    expect(first.sent).toBeGreaterThan(0);
    expect(first.marketingSent).toBeGreaterThan(0);
    expect(first.opened).toBeGreaterThan(0);
    expect(first.clicked).toBeLessThanOrEqual(first.opened);
    expect(first.clickThroughRate).toBeCloseTo(first.clicked / first.marketingSent, 10);
    // The holdout arm's users are sent no marketing: pushflow counted withheld messages.
    expect(first.suppressed.holdout).toBeGreaterThan(0);
  }, 60_000);

  it('gives users a lasting responsiveness when asked, the same for a seed', async () => {
    const [alike, spread, again] = [await simulate('personalized', 6), await simulate('personalized', 6, 1), await simulate('personalized', 6, 1)];
    expect(spread.opened).not.toBe(alike.opened);
    expect(again.opened).toBe(spread.opened);
    expect(again.clicked).toBe(spread.clicked);
  }, 60_000);

  it('runs the real binary into a data directory that report experiments then reads', async () => {
    const dataDir = freshDir();
    const configFile = join(dirs.at(-1)!, 'experiments.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(configFile, `experiments:\n  - name: caps\n    salt: caps-test\n    arms:\n      - { name: control }\n      - { name: cap1, dailyCap: 1 }\n      - { name: holdout, holdout: true, weight: 0.5 }\n`);
    const simulated = await runPushflow(['simulate', '--users', '80', '--days', '2', '--items', '800', '--policy', 'personalized', '--seed', '9', '--data-dir', dataDir, '--config', configFile, '--json']);
    expect(simulated.code, simulated.stderr).toBe(0);
    const report = JSON.parse(simulated.stdout.trim().split('\n').at(-1)!) as SimulationReport;
    expect(report).toMatchObject({ policy: 'personalized', seed: 9, users: 80, days: 2, dataDir });

    const reported = await runPushflow(['report', 'experiments', '--data-dir', dataDir, '--config', configFile, '--json']);
    expect(reported.code, reported.stderr).toBe(0);
    const experiments = JSON.parse(reported.stdout) as { experiment: string; holdout?: string; arms: { arm: string; counts: Record<string, number>; vsHoldout?: object }[] }[];
    const all = experiments.find((e) => e.experiment === 'all')!;
    // pushflow's own count of marketing sends is what the simulated users received.
    expect(all.arms[0].counts.sent).toBe(report.marketingSent);
    expect(all.arms[0].counts.attributed).toBe(report.attributedPurchases);
    const caps = experiments.find((e) => e.experiment === 'caps')!;
    expect(caps.holdout).toBe('holdout');
    const holdout = caps.arms.find((arm) => arm.arm === 'holdout')!;
    expect(holdout.counts.sent).toBe(0);
    expect(holdout.counts.withheld).toBeGreaterThan(0);
    const armsSent = caps.arms.reduce((sum, arm) => sum + arm.counts.sent, 0);
    expect(armsSent).toBe(report.marketingSent);
    expect(caps.arms.find((arm) => arm.arm === 'control')!.vsHoldout).toBeDefined();

    const text = await runPushflow(['report', 'experiments', '--data-dir', dataDir, '--config', configFile]);
    expect(text.stdout).toMatch(/experiment caps \(control control, holdout holdout\)/);
    expect(text.stdout).toMatch(/vs holdout: conversion/);
  }, 60_000);

  it('rejects a bad policy with exit code 2', async () => {
    const run = await runPushflow(['simulate', '--users', '10', '--days', '1', '--policy', 'spray']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--policy: expected one of personalized, blast, random, got "spray"/);
  });
});
