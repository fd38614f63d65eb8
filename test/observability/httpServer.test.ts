// The observability server over real HTTP on an ephemeral port: routes, readiness flips,
// JSON extra routes, and the error an operator sees when the port is taken.

import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { startObservabilityServer, type ObservabilityServer, type Readiness } from '../../src/observability/httpServer.js';
import { createMetrics } from '../../src/observability/metrics.js';

const started: ObservabilityServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

async function start(options: Partial<Parameters<typeof startObservabilityServer>[0]> = {}): Promise<string> {
  const server = await startObservabilityServer({ port: 0, registry: new Registry(), ready: () => true, ...options });
  started.push(server);
  return `http://127.0.0.1:${server.port}`;
}

describe('startObservabilityServer', () => {
  it('binds an ephemeral port when asked for port 0 and reports the real one', async () => {
    const server = await startObservabilityServer({ port: 0, registry: new Registry(), ready: () => true });
    started.push(server);
    expect(server.port).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
  });

  it('serves /metrics as Prometheus text with the registry content type', async () => {
    const metrics = createMetrics(undefined, { collectDefaultMetrics: false });
    metrics.outboxDepth.set(7);
    const base = await start({ registry: metrics.registry });
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toMatch(/^pushflow_outbox_depth 7$/m);
  });

  it('serves only the metrics that name[] parameters pick, as the full text shows them', async () => {
    const metrics = createMetrics(undefined, { collectDefaultMetrics: true });
    metrics.outboxDepth.set(7);
    metrics.batchSize.observe(12);
    const base = await start({ registry: metrics.registry });
    const full = await (await fetch(`${base}/metrics`)).text();
    const picked = await fetch(`${base}/metrics?name[]=pushflow_batch_size&name[]=pushflow_outbox_depth&name[]=no_such_metric`);
    expect(picked.status).toBe(200);
    expect(picked.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await picked.text();
    expect(text).toMatch(/^pushflow_batch_size_sum 12$/m);
    expect(text).toMatch(/^pushflow_outbox_depth 7$/m);
    expect(text).not.toMatch(/process_|nodejs_/);
    // Each picked metric reads as it does in the full text.
    for (const block of text.trim().split('\n\n')) expect(full).toContain(block);
  });

  it('answers /healthz with ok while the process runs, whatever readiness says', async () => {
    const base = await start({ ready: () => false });
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect((await response.text()).trim()).toBe('ok');
  });

  it('flips /readyz between 503 with the reason and 200 as readiness changes', async () => {
    let readiness: Readiness = { ok: false, reason: 'kafka source not connected' };
    const base = await start({ ready: () => readiness });

    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain('kafka source not connected');

    readiness = { ok: true };
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    readiness = false;
    expect((await fetch(`${base}/readyz`)).status).toBe(503);

    readiness = true;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect((await ready.text()).trim()).toBe('ready');
  });

  it('reports a throwing readiness check as not ready, with its message', async () => {
    const base = await start({
      ready: () => {
        throw new Error('lmdb closed');
      },
    });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('lmdb closed');
  });

  it('serves extra routes as JSON, including async ones', async () => {
    const base = await start({
      extraRoutes: {
        '/debug/outbox': () => ({ depth: 3, paused: false }),
        '/debug/async': async () => [1, 2],
      },
    });
    const response = await fetch(`${base}/debug/outbox?verbose=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ depth: 3, paused: false });
    expect(await (await fetch(`${base}/debug/async`)).json()).toEqual([1, 2]);
  });

  it('answers 500 when an extra route throws, and keeps serving', async () => {
    const base = await start({
      extraRoutes: {
        '/debug/broken': () => {
          throw new Error('boom');
        },
      },
    });
    const response = await fetch(`${base}/debug/broken`);
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('boom');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    const base = await start({ extraRoutes: { '/debug/x': () => 1 } });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/toString`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('fails with host:port and the metrics.port config key when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(startObservabilityServer({ port, registry: new Registry(), ready: () => true })).rejects.toThrow(
        new RegExp(`127\\.0\\.0\\.1:${port} is already in use.*metrics\\.port`),
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('closes promptly even with a keep-alive connection open, and frees the port', async () => {
    const server = await startObservabilityServer({ port: 0, registry: new Registry(), ready: () => true });
    await fetch(`http://127.0.0.1:${server.port}/healthz`, { keepalive: true });
    await server.close();
    await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
    const again = await startObservabilityServer({ port: server.port, registry: new Registry(), ready: () => true });
    started.push(again);
    expect(again.port).toBe(server.port);
  });
});
