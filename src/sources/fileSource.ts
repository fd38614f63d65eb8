// Replays a file (Taobao UserBehavior CSV, MovieLens ratings.csv, or JSON lines in our schema)
// as fast as the pipeline takes it. Offsets are line numbers: a replay into the same data
// directory resumes after the last committed line instead of starting over.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BatchHandler, RawRecord, RecordFormat, ResumePosition, Source } from './source.js';
import { lineBatches } from './lineBatches.js';
import { PauseGate } from './pauseGate.js';

export type FileFormat = 'taobao' | 'jsonl' | 'movielens';

const RECORD_FORMAT: Record<FileFormat, RecordFormat> = { taobao: 'taobao', jsonl: 'json', movielens: 'movielens' };

export interface FileSourceOptions {
  path: string;
  format: FileFormat;
  batchSize: number;
}

export class FileSource implements Source {
  readonly id: string;
  private readonly gate = new PauseGate();
  private stopping = false;

  constructor(private readonly options: FileSourceOptions) {
    if (!existsSync(options.path)) throw new Error(`file source: no such file "${options.path}"`);
    this.id = `file:${resolve(options.path)}`;
  }

  async run(handler: BatchHandler, resumeFrom: ResumePosition): Promise<void> {
    const resume = Number(resumeFrom(this.id, 0) ?? 0);
    const format = RECORD_FORMAT[this.options.format];
    for await (const lines of lineBatches(this.options.path, this.options.batchSize)) {
      const last = lines[lines.length - 1].line;
      if (last < resume) continue;
      const records: RawRecord[] = [];
      for (const { line, text } of lines) {
        if (line < resume || text.length === 0) continue;
        if (line === 0 && this.options.format === 'movielens' && text.startsWith('userId,')) continue;
        records.push({ raw: text, offset: String(line) });
      }
      await this.gate.passed();
      if (this.stopping) return;
      await handler({ source: this.id, partition: 0, format, records, nextOffset: String(last + 1) });
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.gate.open();
  }

  pause(): void {
    this.gate.close();
  }

  resume(): void {
    this.gate.open();
  }
}
