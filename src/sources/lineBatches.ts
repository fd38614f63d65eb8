// Reads a text file as batches of lines, streaming (a replay file may not fit in memory),
// numbering lines from 0 so that a line number is a record's offset.

import { createReadStream } from 'node:fs';

export interface NumberedLine {
  line: number;
  text: string;
}

export async function* lineBatches(path: string, batchSize: number): AsyncGenerator<NumberedLine[]> {
  let batch: NumberedLine[] = [];
  let lineNumber = 0;
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      batch.push({ line: lineNumber++, text: line });
      start = end + 1;
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) batch.push({ line: lineNumber++, text: rest });
  if (batch.length > 0) yield batch;
}
