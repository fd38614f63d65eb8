// KafkaSource against a "broker" that accepts connections and never answers: stop() settles and
// run() with it, so a hung broker never keeps the process from exiting. (Should leaving the group
// itself hang, the source also ends the fetch thread after the session timeout and a grace period.)

import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaSource } from '../../src/sources/kafkaSource.js';

describe('KafkaSource.stop with a silent broker', () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('settles stop() and run() while the broker never answers', async () => {
    server = createServer((socket) => sockets.push(socket)); // accepts, reads nothing, says nothing
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const source = new KafkaSource({ brokers: [`127.0.0.1:${port}`], topic: 'events', groupId: 'g', format: 'json', sessionTimeoutMs: 500 });
    const run = source.run(async () => {}, () => undefined);
    const ran = run.then(
      () => 'resolved',
      () => 'rejected',
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // kafkajs is waiting for an answer now
    const started = Date.now();
    await source.stop();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(['resolved', 'rejected']).toContain(await ran);
  }, 20_000);
});
