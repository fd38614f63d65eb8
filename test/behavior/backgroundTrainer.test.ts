import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BehaviorModelService } from '../../src/behavior/behaviorModelService.js';
import { workerExecutor } from '../../src/behavior/backgroundTrainer.js';
import { behaviorScoresForInspect } from '../../src/behavior/behaviorScoresForInspect.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { shopperEvents, SequenceFixture, tinyConfig } from './behaviorFixture.js';

const WORKER = resolve('dist/src/behavior/trainingWorker.js');

describe('background trainer', () => {
  let fixture: SequenceFixture;
  let services: BehaviorModelService[] = [];
  afterEach(async () => {
    for (const service of services) await service.stop();
    services = [];
    await fixture?.close();
  });

  const serve = async (config: ReturnType<typeof tinyConfig>, options: Partial<ConstructorParameters<typeof BehaviorModelService>[0]> = {}) => {
    const service = new BehaviorModelService({ config, store: fixture.store, ...options });
    services.push(service);
    await service.start();
    return service;
  };

  it('swaps in only a model that beats the one in service, keeps every version, and loads the best at start', async () => {
    fixture = new SequenceFixture();
    fixture.append(shopperEvents(16, 4));
    const config = tinyConfig(fixture.dir, { training: { maxExamples: 600, epochs: 3, learningRate: 0.02 } });
    const metrics = createMetrics(undefined, { collectDefaultMetrics: false });
    const service = await serve(config, { metrics });
    const trainer = service.backgroundTrainer!;

    const first = await trainer.runRound();
    expect(first.outcome).toBe('swapped');
    expect(service.scorer.modelVersion).toBe(1);

    // A round that barely moves from its random start must not replace the trained model.
    config.behavior.training.learningRate = 1e-9;
    const second = await trainer.runRound();
    expect(second.outcome).toBe('kept');
    if (second.outcome !== 'kept') return;
    expect(second.record.holdout.loss).toBeGreaterThan(second.record.championHoldout!.loss);
    expect(service.scorer.modelVersion).toBe(1);

    const versions = await service.versions.list();
    expect(versions.map((v) => [v.version, v.accepted])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(versions[0].holdout.recallAt5).toBeGreaterThan(0);

    const text = await metrics.registry.metrics();
    expect(text).toContain('pushflow_behavior_model_rounds_total{outcome="swapped"} 1');
    expect(text).toContain('pushflow_behavior_model_rounds_total{outcome="kept"} 1');
    expect(text).toContain('pushflow_behavior_model_version 1');
    expect(text).toMatch(/pushflow_behavior_training_max_stall_seconds [0-9.e-]+/);
    expect(text).toMatch(/pushflow_build_info\{[^}]*tf_backend="wasm"/);

    // `pushflow inspect user ID` reads the champion from the data directory.
    const inspected = (await behaviorScoresForInspect(fixture.store, config, 'u3'))!;
    expect(inspected).toMatchObject({ userId: 'u3', source: 'model', modelVersion: 1, backend: 'wasm', timeZone: 'Asia/Shanghai' });
    expect(inspected.nextCategories).toHaveLength(5);
    expect(inspected.purchaseIn24h).toBeGreaterThan(0);
    expect(inspected.activeHours).toHaveLength(24);
    expect(inspected.activeHours[1].local).toMatch(/^[A-Z][a-z]{2} \d\d:\d\d$/);
    expect(Date.parse(inspected.activeHours[1].startsAt) - Date.parse(inspected.asOf)).toBe(3_600_000);
    expect(await behaviorScoresForInspect(fixture.store, config, 'nobody')).toBeUndefined();

    // A restarted process puts the champion back in service before any training.
    const restarted = await serve(config);
    expect(restarted.scorer.modelVersion).toBe(1);
    expect(restarted.scorer.scoreUsers(['u3']).get('u3')!.source).toBe('model');
  });

  it('skips a round while too few users have a sequence', async () => {
    fixture = new SequenceFixture();
    fixture.append(shopperEvents(3, 2));
    const service = await serve(tinyConfig(fixture.dir, { training: { minUsers: 10 } }));
    const outcome = await service.backgroundTrainer!.runRound();
    expect(outcome.outcome).toBe('skipped');
    expect(await service.versions.list()).toEqual([]);
  });

  it('abandons a round in progress when stopped', async () => {
    fixture = new SequenceFixture();
    fixture.append(shopperEvents(16, 4));
    const service = await serve(tinyConfig(fixture.dir, { training: { maxExamples: 2000, epochs: 20, batchSize: 8 } }));
    const round = service.backgroundTrainer!.runRound();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await service.stop();
    expect(await round).toEqual({ outcome: 'abandoned' });
    expect(await service.versions.list()).toEqual([]);
  });

  it.skipIf(!existsSync(WORKER))('trains in a worker thread (the compiled script; run `npm run build` first)', async () => {
    fixture = new SequenceFixture();
    fixture.append(shopperEvents(16, 4));
    const config = tinyConfig(fixture.dir, { training: { runIn: 'worker' } });
    const service = await serve(config, { executor: workerExecutor(WORKER, 'wasm') });
    const outcome = await service.backgroundTrainer!.runRound();
    expect(outcome.outcome).toBe('swapped');
    if (outcome.outcome !== 'swapped') return;
    expect(outcome.result.backend).toBe('wasm');
    expect(service.scorer.scoreUsers(['u1']).get('u1')!.modelVersion).toBe(1);
  });
});
