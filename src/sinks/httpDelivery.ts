// What the HTTP provider sinks share: one POST with a deadline, its outcome classified the way
// retries need it (2xx delivered; 408, 425, 429, 5xx, timeouts and network errors transient; other
// 4xx permanent: the request itself is wrong and sending it again cannot help), and a bounded
// number of requests in flight. Errors are short classes (`http_503`, `timeout`): never a
// response body or a header, which could carry an address or a credential into logs and metrics.

import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ItemResult } from './sink.js';

export interface HttpPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

const TRANSIENT_STATUSES = new Set([408, 425, 429]);

// Keep-alive agents shared by the sinks: node:http is several times cheaper per request than
// fetch here, which matters at thousands of notifications per second.
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

/** Sends one POST; resolves with the classified outcome (never rejects). */
export function postForResult(post: HttpPost): Promise<ItemResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: ItemResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let req: ClientRequest;
    try {
      const url = new URL(post.url);
      const secure = url.protocol === 'https:';
      req = (secure ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        agent: secure ? httpsAgent : httpAgent,
        headers: { ...post.headers, 'content-length': Buffer.byteLength(post.body) },
      });
    } catch {
      resolve({ ok: false, permanent: true, error: 'bad_url' });
      return;
    }
    const timer = setTimeout(() => {
      settle({ ok: false, permanent: false, error: 'timeout' });
      req.destroy();
    }, post.timeoutMs);
    req.on('response', (response) => {
      // Drain the body so the connection goes back to the pool.
      response.resume();
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return settle({ ok: true });
        const transient = status >= 500 || TRANSIENT_STATUSES.has(status);
        settle({ ok: false, permanent: !transient, error: `http_${status}` });
      });
      response.on('error', () => settle({ ok: false, permanent: false, error: 'network' }));
    });
    req.on('error', () => settle({ ok: false, permanent: false, error: 'network' }));
    req.end(post.body);
  });
}

/** Maps `items` through `work` with at most `limit` in flight, keeping the order of results. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Throws when any item failed: the all-or-nothing `send` of a per-item sink. */
export function throwOnFailure(sinkName: string, results: readonly ItemResult[]): void {
  const failed = results.filter((result): result is Extract<ItemResult, { ok: false }> => !result.ok);
  if (failed.length > 0) throw new Error(`${sinkName}: ${failed.length} of ${results.length} failed (${[...new Set(failed.map((f) => f.error))].join(', ')})`);
}

/** A secret from the environment: its variable's value, or undefined when unset or empty. */
export function secretFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
