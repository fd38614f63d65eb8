// One side of the interaction matrix: for each row (a user, or an item), the columns it
// interacted with, their confidence and a flag per entry (bought), in three slabs shared by
// every row, so that the eALS update runs a plain loop over contiguous memory. A row lives at
// `starts[row]` with room for `capacities[row]` entries; a full row moves to the slab's end with
// twice the room. A typed array per row would cost several hundred bytes of object overhead a
// row (84 MB for the 2-hour Taobao slice); the slabs cost the entries and the holes left by
// moved rows (at most as much again).

import { growFloat32, growInt32, growUint8 } from './growTypedArray.js';

const FIRST_CAPACITY = 4;

export class SparseRows {
  /** Column of each entry (item for a user row, user for an item row); index with `starts[row] + position`. */
  columns = new Int32Array(1024);
  /** Confidence of each entry, same index. */
  weights = new Float32Array(1024);
  /** A flag per entry, same index (1: the user bought the item). */
  flags = new Uint8Array(1024);
  starts = new Int32Array(16);
  lengths = new Int32Array(16);
  private capacities = new Int32Array(16);
  private used = 0;
  private rows = 0;

  get rowCount(): number {
    return this.rows;
  }

  addRow(): number {
    const row = this.rows++;
    this.starts = growInt32(this.starts, row + 1);
    this.lengths = growInt32(this.lengths, row + 1);
    this.capacities = growInt32(this.capacities, row + 1);
    this.starts[row] = this.allocate(FIRST_CAPACITY);
    this.capacities[row] = FIRST_CAPACITY;
    return row;
  }

  /** Appends an entry; returns its position in the row. */
  append(row: number, column: number, weight: number, flag = 0): number {
    const position = this.lengths[row];
    if (position === this.capacities[row]) this.move(row, 2 * position);
    const at = this.starts[row] + position;
    this.columns[at] = column;
    this.weights[at] = weight;
    this.flags[at] = flag;
    this.lengths[row] = position + 1;
    return position;
  }

  /** Room for `size` entries at the slab's end. */
  private allocate(size: number): number {
    const start = this.used;
    this.used += size;
    if (this.used > this.columns.length) {
      this.columns = growInt32(this.columns, this.used);
      this.weights = growFloat32(this.weights, this.used);
      this.flags = growUint8(this.flags, this.used);
    }
    return start;
  }

  private move(row: number, capacity: number): void {
    const from = this.starts[row];
    const length = this.lengths[row];
    const to = this.allocate(capacity);
    this.columns.copyWithin(to, from, from + length);
    this.weights.copyWithin(to, from, from + length);
    this.flags.copyWithin(to, from, from + length);
    this.starts[row] = to;
    this.capacities[row] = capacity;
  }
}
