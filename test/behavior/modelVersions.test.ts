import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelVersions, type ModelVersionRecord } from '../../src/behavior/modelVersions.js';
import type { ModelMetaJson } from '../../src/behavior/modelMeta.js';
import type { HoldoutMetrics } from '../../src/behavior/trainBehaviorModel.js';

const metrics = (loss: number): HoldoutMetrics => ({
  examples: 10,
  loss,
  nextLoss: loss,
  purchaseLoss: 0,
  activeLoss: 0,
  recallAt5: 0.5,
  mrrAt5: 0.3,
  purchaseAuc: 0.6,
});
const record = (accepted: boolean, loss: number): Omit<ModelVersionRecord, 'version' | 'savedAt'> => ({
  dataUpTo: new Date(0).toISOString(),
  accepted,
  holdout: metrics(loss),
  training: { examples: 1, holdoutExamples: 1, users: 1, seconds: 1, sequencesPerSecond: 1, steps: 1 },
  backend: 'wasm',
});
const artifacts = (byte: number) => ({ modelTopology: { name: `m${byte}` }, weightSpecs: [], weightData: new Uint8Array([byte, byte]).buffer });
const meta = { format: 1 } as unknown as ModelMetaJson;

describe('model versions on disk', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('numbers versions, points the champion at the last accepted one, and loads it back', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pushflow-versions-'));
    const versions = ModelVersions.under(dir, 10);
    expect(await versions.loadChampion()).toBeUndefined();
    await versions.save(record(true, 2), artifacts(1), meta);
    await versions.save(record(false, 3), artifacts(2), meta);
    expect((await versions.list()).map((entry) => [entry.version, entry.accepted])).toEqual([
      [1, true],
      [2, false],
    ]);
    const champion = await ModelVersions.under(dir, 10).loadChampion();
    expect(champion?.record.version).toBe(1);
    expect(champion?.record.holdout.loss).toBe(2);
    expect([...new Uint8Array(champion!.artifacts.weightData as ArrayBuffer)]).toEqual([1, 1]);
    expect(champion?.artifacts.modelTopology).toEqual({ name: 'm1' });
  });

  it('keeps the champion and the last N others, deleting older folders', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pushflow-versions-'));
    const versions = ModelVersions.under(dir, 2);
    await versions.save(record(true, 1), artifacts(1), meta);
    for (let i = 0; i < 4; i++) await versions.save(record(false, 5), artifacts(2 + i), meta);
    expect((await versions.list()).map((entry) => entry.version)).toEqual([1, 4, 5]);
    expect(readdirSync(versions.dir).sort()).toEqual(['v000001', 'v000004', 'v000005', 'versions.json']);
    expect((await versions.champion())?.version).toBe(1);
  });
});
