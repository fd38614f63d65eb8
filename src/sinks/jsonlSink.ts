// Writes items as JSON lines to a file (appending) or to stdout. An item counts as delivered
// once the OS accepted the write: that survives the process being killed.

import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Sink } from './sink.js';

export class JsonlFileSink<T> implements Sink<T> {
  readonly name: string;
  private file: Promise<FileHandle> | undefined;

  constructor(private readonly path: string) {
    this.name = `jsonl:${path}`;
  }

  async send(items: T[]): Promise<void> {
    if (items.length === 0) return;
    if (this.file === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.file = open(this.path, 'a');
    }
    const file = await this.file;
    await file.appendFile(items.map((item) => JSON.stringify(item)).join('\n') + '\n');
  }

  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    if (file !== undefined) await (await file).close();
  }
}

export class StdoutSink<T> implements Sink<T> {
  readonly name = 'stdout';

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {}

  send(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const text = items.map((item) => JSON.stringify(item)).join('\n') + '\n';
    return new Promise((resolve, reject) => this.stream.write(text, (error) => (error ? reject(error) : resolve())));
  }

  async close(): Promise<void> {}
}
