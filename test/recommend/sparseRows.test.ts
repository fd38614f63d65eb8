import { describe, expect, it } from 'vitest';
import { SparseRows } from '../../src/recommend/sparseRows.js';

const rowOf = (rows: SparseRows, row: number) =>
  Array.from({ length: rows.lengths[row] }, (_, j) => [rows.columns[rows.starts[row] + j], rows.weights[rows.starts[row] + j], rows.flags[rows.starts[row] + j]]);

describe('SparseRows', () => {
  it('keeps every row whole and in order while rows grow past their room in turns and move', () => {
    const rows = new SparseRows();
    const expected: number[][][] = [];
    for (let r = 0; r < 50; r++) {
      rows.addRow();
      expected.push([]);
    }
    // Interleaved appends: every row outgrows its first room (4), then 8, 16, ... while the others append between.
    for (let step = 0; step < 40; step++) {
      for (let r = 0; r < 50; r += 1 + (step % 3)) {
        const entry = [r * 1000 + step, step / 2, step % 2];
        expect(rows.append(r, entry[0], entry[1], entry[2])).toBe(expected[r].length);
        expected[r].push(entry);
      }
    }
    expected.forEach((entries, r) => expect(rowOf(rows, r)).toEqual(entries));
    expect(rows.rowCount).toBe(50);
  });
});
