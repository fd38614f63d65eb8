// One side of the interaction matrix: for each row (a user, or an item), the columns it
// interacted with and their confidence, in growable typed arrays so that the eALS update can
// run a plain loop over them.

import { growFloat32, growInt32 } from './growTypedArray.js';

export class SparseRows {
  columns: Int32Array[] = [];
  weights: Float32Array[] = [];
  lengths = new Int32Array(16);

  get rowCount(): number {
    return this.columns.length;
  }

  addRow(): number {
    const row = this.columns.length;
    this.columns.push(new Int32Array(4));
    this.weights.push(new Float32Array(4));
    this.lengths = growInt32(this.lengths, row + 1);
    return row;
  }

  /** Appends an entry; returns its position in the row. */
  append(row: number, column: number, weight: number): number {
    const position = this.lengths[row];
    if (position === this.columns[row].length) {
      this.columns[row] = growInt32(this.columns[row], position + 1);
      this.weights[row] = growFloat32(this.weights[row], position + 1);
    }
    this.columns[row][position] = column;
    this.weights[row][position] = weight;
    this.lengths[row] = position + 1;
    return position;
  }
}
