// The metrics as a scraper sees them: served by the real observability server on an
// ephemeral port, fetched over HTTP and parsed as Prometheus text exposition format.

import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { BATCH_SIZE_BUCKETS, createMetrics, LATENCY_BUCKETS_SECONDS } from '../../src/observability/metrics.js';
import { startObservabilityServer, type ObservabilityServer } from '../../src/observability/httpServer.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

/** A strict reader of the text format 0.0.4: any line it cannot read fails the test. */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      (meta[1] === 'TYPE' ? types : help).set(meta[2], meta[3]);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!sample) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
    const labelText = sample[2] ?? '';
    let consumed = 0;
    for (let match = labelPattern.exec(labelText); match; match = labelPattern.exec(labelText)) {
      labels[match[1]] = match[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed = labelPattern.lastIndex;
    }
    if (consumed !== labelText.length) throw new Error(`bad labels: ${line}`);
    samples.push({ name: sample[1], labels, value: parseValue(sample[3], line) });
  }
  return { types, help, samples };
}

/** Like Prometheus (Go's ParseFloat): numbers, and Inf/NaN in any letter case. */
function parseValue(text: string, line: string): number {
  if (/^[+-]?inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`bad value: ${line}`);
  return value;
}

function sampleOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): Sample | undefined {
  return exposition.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

let server: ObservabilityServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function scrape(registry: Registry): Promise<{ contentType: string | null; exposition: Exposition }> {
  server ??= await startObservabilityServer({ port: 0, registry, ready: () => true });
  const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  expect(response.status).toBe(200);
  return { contentType: response.headers.get('content-type'), exposition: parseExposition(await response.text()) };
}

describe('createMetrics', () => {
  it('exposes every metric with its Prometheus type, labels and values after updates', async () => {
    const metrics = createMetrics(undefined, { collectDefaultMetrics: false, version: '9.9.9' });
    metrics.eventsIn.inc({ source: 'kafka', type: 'view' }, 3);
    metrics.eventsInvalid.inc({ source: 'kafka', reason: 'time' });
    metrics.deadLetters.inc({ source: 'kafka', reason: 'json' }, 2);
    metrics.duplicates.inc({ source: 'kafka' });
    metrics.lateEvents.inc({ source: 'kafka' });
    metrics.consumerLag.set({ source: 'kafka', partition: '2' }, 120);
    metrics.batchSize.observe(500);
    metrics.batchProcessingSeconds.observe(0.02);
    metrics.eventToDecisionSeconds.observe(0.0007);
    metrics.outboxDepth.set(42);
    metrics.notifications.inc({ type: 'abandoned_cart', channel: 'push', outcome: 'sent' });
    metrics.watermarkLagSeconds.set({ source: 'kafka' }, 4.5);
    metrics.sourcePaused.set({ source: 'kafka' }, 1);
    metrics.deliveryAttempts.inc({ sink: 'stdout', outcome: 'success' });
    metrics.notificationsSuppressed.inc({ reason: 'consent_marketing' });
    metrics.pipelineErrors.inc({ pipeline: 'abandonedCart' });

    const { contentType, exposition } = await scrape(metrics.registry);
    expect(contentType).toBe(metrics.registry.contentType);

    const expectedTypes: Record<string, string> = {
      pushflow_events_in_total: 'counter',
      pushflow_events_invalid_total: 'counter',
      pushflow_dead_letters_total: 'counter',
      pushflow_duplicates_total: 'counter',
      pushflow_late_events_total: 'counter',
      pushflow_consumer_lag: 'gauge',
      pushflow_batch_size: 'histogram',
      pushflow_batch_processing_seconds: 'histogram',
      pushflow_event_to_decision_seconds: 'histogram',
      pushflow_outbox_depth: 'gauge',
      pushflow_notifications_total: 'counter',
      pushflow_watermark_lag_seconds: 'gauge',
      pushflow_source_paused: 'gauge',
      pushflow_delivery_attempts_total: 'counter',
      pushflow_build_info: 'gauge',
      pushflow_notifications_suppressed_total: 'counter',
      pushflow_pipeline_errors_total: 'counter',
    };
    // The runtime's metrics, each with its type; other parts of pushflow add their own beside them.
    expect(Object.fromEntries(exposition.types)).toMatchObject(expectedTypes);
    for (const name of exposition.types.keys()) expect(exposition.help.get(name)).toBeTruthy();

    expect(sampleOf(exposition, 'pushflow_events_in_total', { source: 'kafka', type: 'view' })?.value).toBe(3);
    expect(sampleOf(exposition, 'pushflow_events_invalid_total', { source: 'kafka', reason: 'time' })?.value).toBe(1);
    expect(sampleOf(exposition, 'pushflow_dead_letters_total', { source: 'kafka', reason: 'json' })?.value).toBe(2);
    expect(sampleOf(exposition, 'pushflow_duplicates_total', { source: 'kafka' })?.value).toBe(1);
    expect(sampleOf(exposition, 'pushflow_late_events_total', { source: 'kafka' })?.value).toBe(1);
    expect(sampleOf(exposition, 'pushflow_consumer_lag', { source: 'kafka', partition: '2' })?.value).toBe(120);
    expect(sampleOf(exposition, 'pushflow_outbox_depth')?.value).toBe(42);
    expect(
      sampleOf(exposition, 'pushflow_notifications_total', { type: 'abandoned_cart', channel: 'push', outcome: 'sent' })?.value,
    ).toBe(1);
    expect(sampleOf(exposition, 'pushflow_watermark_lag_seconds', { source: 'kafka' })?.value).toBe(4.5);
    expect(sampleOf(exposition, 'pushflow_source_paused', { source: 'kafka' })?.value).toBe(1);
    expect(sampleOf(exposition, 'pushflow_delivery_attempts_total', { sink: 'stdout', outcome: 'success' })?.value).toBe(1);
    expect(sampleOf(exposition, 'pushflow_notifications_suppressed_total', { reason: 'consent_marketing' })?.value).toBe(1);
    expect(sampleOf(exposition, 'pushflow_pipeline_errors_total', { pipeline: 'abandonedCart' })?.value).toBe(1);
    expect(sampleOf(exposition, 'pushflow_build_info')).toEqual({
      name: 'pushflow_build_info',
      labels: { version: '9.9.9', node: process.version, tf_backend: 'unknown' },
      value: 1,
    });
  });

  it('buckets histograms as specified: batch sizes 1..10000, latencies 0.5 ms..10 s', async () => {
    const metrics = createMetrics(undefined, { collectDefaultMetrics: false });
    metrics.batchSize.observe(500);
    metrics.eventToDecisionSeconds.observe(0.0007);
    const { exposition } = await scrape(metrics.registry);

    const bounds = (name: string) =>
      exposition.samples.filter((s) => s.name === `${name}_bucket`).map((s) => (s.labels.le === '+Inf' ? Infinity : Number(s.labels.le)));
    expect(bounds('pushflow_batch_size')).toEqual([...BATCH_SIZE_BUCKETS, Infinity]);
    expect(BATCH_SIZE_BUCKETS[0]).toBe(1);
    expect(BATCH_SIZE_BUCKETS.at(-1)).toBe(10000);
    expect(bounds('pushflow_event_to_decision_seconds')).toEqual([...LATENCY_BUCKETS_SECONDS, Infinity]);
    expect(LATENCY_BUCKETS_SECONDS[0]).toBe(0.0005);
    expect(LATENCY_BUCKETS_SECONDS.at(-1)).toBe(10);

    // 500 events falls in le=1000 but not le=316; 0.7 ms in le=0.001 but not le=0.0005.
    expect(sampleOf(exposition, 'pushflow_batch_size_bucket', { le: '316' })?.value).toBe(0);
    expect(sampleOf(exposition, 'pushflow_batch_size_bucket', { le: '1000' })?.value).toBe(1);
    expect(sampleOf(exposition, 'pushflow_batch_size_sum')?.value).toBe(500);
    expect(sampleOf(exposition, 'pushflow_batch_size_count')?.value).toBe(1);
    expect(sampleOf(exposition, 'pushflow_event_to_decision_seconds_bucket', { le: '0.0005' })?.value).toBe(0);
    expect(sampleOf(exposition, 'pushflow_event_to_decision_seconds_bucket', { le: '0.001' })?.value).toBe(1);
  });

  it('records the TensorFlow.js backend in build_info once known, keeping a single series', async () => {
    const metrics = createMetrics(undefined, { collectDefaultMetrics: false });
    metrics.setTfBackend('wasm');
    const { exposition } = await scrape(metrics.registry);
    const series = exposition.samples.filter((s) => s.name === 'pushflow_build_info');
    expect(series).toHaveLength(1);
    expect(series[0].labels.tf_backend).toBe('wasm');
    expect(series[0].labels.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('adds prefixed process metrics unless told not to', async () => {
    const withDefaults = createMetrics();
    const { exposition } = await scrape(withDefaults.registry);
    expect(exposition.types.get('pushflow_process_cpu_user_seconds_total')).toBe('counter');
    expect(exposition.types.get('pushflow_nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect([...exposition.types.keys()].every((name) => name.startsWith('pushflow_'))).toBe(true);

    const without = await createMetrics(undefined, { collectDefaultMetrics: false }).registry.metrics();
    expect(without).not.toContain('process_cpu');
  });

  it('keeps each instance on its own registry, so many can coexist', async () => {
    const first = createMetrics(undefined, { collectDefaultMetrics: false });
    const second = createMetrics(new Registry(), { collectDefaultMetrics: false });
    first.outboxDepth.set(1);
    second.outboxDepth.set(2);
    expect(parseExposition(await first.registry.metrics()).samples.find((s) => s.name === 'pushflow_outbox_depth')?.value).toBe(1);
    expect(parseExposition(await second.registry.metrics()).samples.find((s) => s.name === 'pushflow_outbox_depth')?.value).toBe(2);
  });
});
