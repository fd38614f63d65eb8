// The observability endpoints, on plain node:http so scraping adds no dependency and no
// middleware to the hot process: /metrics (Prometheus text; `?name[]=` picks metrics, as in
// Prometheus' Java client), /healthz (liveness: the event
// loop answers), /readyz (readiness: the caller decides, e.g. "source connected, LMDB open"),
// plus optional JSON routes for debugging views.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type Readiness = boolean | { ok: boolean; reason?: string };

export interface ObservabilityServerOptions {
  host?: string;
  /** 0 picks a free port; the one bound is returned. */
  port?: number;
  registry: Registry;
  /** Asked on every /readyz; return a reason when not ready so the probe log says why. */
  ready: () => Readiness;
  /** Extra GET routes by exact path (e.g. `/debug/outbox`), answered as JSON. */
  extraRoutes?: Record<string, () => unknown>;
}

export interface ObservabilityServer {
  /** The port actually bound. */
  port: number;
  close(): Promise<void>;
}

/**
 * Starts serving; resolves once listening.
 * @throws Error naming host:port and the `metrics.port` key when the port is taken.
 * @example
 * const server = await startObservabilityServer({ port: 0, registry: metrics.registry, ready: () => true });
 * // GET http://127.0.0.1:${server.port}/metrics
 * await server.close();
 */
export async function startObservabilityServer(options: ObservabilityServerOptions): Promise<ObservabilityServer> {
  const { host = '127.0.0.1', port = 9464, registry, ready, extraRoutes = {} } = options;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else send(response, 500, 'text/plain; charset=utf-8', `internal error: ${messageOf(error)}\n`);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    if (path === '/metrics') return send(response, 200, registry.contentType, await exposition(registry, url.searchParams.getAll('name[]')));
    if (path === '/healthz') return send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
    if (path === '/readyz') {
      const { ok, reason } = readinessOf(ready);
      return send(response, ok ? 200 : 503, 'text/plain; charset=utf-8', ok ? 'ready\n' : `not ready: ${reason ?? 'unknown'}\n`);
    }
    if (Object.hasOwn(extraRoutes, path)) {
      const body = JSON.stringify(await extraRoutes[path](), null, 2);
      return send(response, 200, 'application/json; charset=utf-8', `${body ?? 'null'}\n`);
    }
    send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)));
    server.listen(port, host, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Scrapers keep connections alive; without this, close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

/**
 * The registry's text, or only that of the metrics `names` picks (unknown names are skipped). A
 * poller that follows one series often (the Kafka benchmark, 40 times a second) then does not pay
 * for collecting every process metric, which read /proc and the event-loop histogram each time.
 */
async function exposition(registry: Registry, names: string[]): Promise<string> {
  if (names.length === 0) return registry.metrics();
  const texts: string[] = [];
  for (const name of new Set(names)) {
    if (registry.getSingleMetric(name) !== undefined) texts.push(await registry.getSingleMetricAsString(name));
  }
  return texts.length === 0 ? '' : `${texts.join('\n\n')}\n`;
}

function readinessOf(ready: () => Readiness): { ok: boolean; reason?: string } {
  try {
    const answer = ready();
    return typeof answer === 'boolean' ? { ok: answer } : answer;
  } catch (error) {
    return { ok: false, reason: `readiness check failed: ${messageOf(error)}` };
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  if (error.code === 'EADDRINUSE') {
    return new Error(`cannot start the observability server: ${where} is already in use; set another port with the config key metrics.port (0 picks a free one)`, { cause: error });
  }
  if (error.code === 'EACCES') {
    return new Error(`cannot start the observability server: no permission to listen on ${where}; choose a port above 1023 with the config key metrics.port`, { cause: error });
  }
  return new Error(`cannot start the observability server on ${where} (config keys metrics.host, metrics.port): ${error.message}`, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
