// The arithmetic of the eALS descent in WebAssembly SIMD (ealsKernel.wat): the caches, the row
// being updated and the arrays a pass reads live in the kernel's memory, where `EalsModel` fills
// them; each pass over a row's entries, each cache times a row and each rank-one update of a
// cache is one call that works on two numbers per instruction (V8 vectorises no plain loop).

import { EALS_KERNEL_WASM } from './ealsKernelBinary.js';

// The compiler's libraries here (ES2023, @types/node 20) do not declare WebAssembly: what this module uses of it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

const compiled = new WebAssembly.Module(Buffer.from(EALS_KERNEL_WASM, 'base64'));

interface KernelExports {
  memory: WasmMemory;
  pairPass(
    column0: number,
    column1: number,
    previous0: number,
    previous1: number,
    residuals: number,
    weights: number,
    bytes: number,
    delta0: number,
    delta1: number,
    out: number,
  ): void;
  multiplyGram(gram: number, row: number, product: number, k: number): void;
  replaceInGram(gram: number, row: number, old: number, weight: number, k: number): void;
}

const PAGE_BYTES = 65_536;

/**
 * One model's descent memory. Fixed: the five sums a pass writes, the updated row's old and new
 * factors, a zero row, `product` (a cache times the row) and the two K x K caches (upper
 * triangles). After them, for up to `capacity` entries of a row: `weights` (a_j), `residuals`
 * (r_j) and `gathered` (the partners' factors factor-major, `stride` entries a factor).
 * `prepare(n)` sets the stride to n rounded up to even; the odd entry must be zero in all three
 * (the caller writes it), so that every pass runs two entries at a time.
 *
 * The views are replaced when the memory grows (in `prepare`): read them after it, not before.
 */
export class DescentKernel {
  sums = new Float64Array(0);
  oldRow = new Float64Array(0);
  newRow = new Float64Array(0);
  product = new Float64Array(0);
  userGram = new Float64Array(0);
  itemGram = new Float64Array(0);
  weights = new Float64Array(0);
  residuals = new Float64Array(0);
  gathered = new Float64Array(0);
  stride = 0;
  private capacity = 0;
  private readonly exports: KernelExports;
  /** Byte offsets of the fixed part. */
  private readonly oldRowAt: number;
  private readonly newRowAt: number;
  private readonly zeroRowAt: number;
  private readonly productAt: number;
  private readonly rowsAt: number;

  constructor(private readonly k: number) {
    this.exports = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
    const rowBytes = k * 8;
    this.oldRowAt = 64;
    this.newRowAt = this.oldRowAt + rowBytes;
    this.zeroRowAt = this.newRowAt + rowBytes;
    this.productAt = this.zeroRowAt + rowBytes;
    this.rowsAt = this.productAt + rowBytes + 2 * k * k * 8;
    this.prepare(256);
  }

  /** Room for a row of n entries; returns the stride (n, or n + 1 when odd). */
  prepare(n: number): number {
    const stride = n + (n & 1);
    if (stride > this.capacity) this.grow(Math.max(stride, 2 * this.capacity));
    this.stride = stride;
    return stride;
  }

  /**
   * One pass over the entries: residuals take the changes of coordinates `previous0` and
   * `previous1` (by `delta0`, `delta1`), then the sums of coordinates f0 and f1 go to `sums`:
   * sum r g_f0, sum r g_f1, sum a g_f0^2, sum a g_f1^2, sum a g_f0 g_f1.
   */
  pairPass(f0: number, f1: number, previous0: number, previous1: number, delta0: number, delta1: number): void {
    const columnBytes = this.stride * 8;
    const gathered = this.gathered.byteOffset;
    this.exports.pairPass(
      gathered + f0 * columnBytes,
      gathered + f1 * columnBytes,
      gathered + previous0 * columnBytes,
      gathered + previous1 * columnBytes,
      this.residuals.byteOffset,
      this.weights.byteOffset,
      columnBytes,
      delta0,
      delta1,
      0,
    );
  }

  /** product = gram oldRow (gram: `userGram` or `itemGram`). */
  multiplyGram(gram: Float64Array): void {
    this.exports.multiplyGram(gram.byteOffset, this.oldRowAt, this.productAt, this.k);
  }

  /** gram += weight (newRow newRow^T - oldRow oldRow^T), upper triangle. */
  replaceInGram(gram: Float64Array, weight: number): void {
    this.exports.replaceInGram(gram.byteOffset, this.newRowAt, this.oldRowAt, weight, this.k);
  }

  /** gram += weight newRow newRow^T, upper triangle. */
  addToGram(gram: Float64Array, weight: number): void {
    this.exports.replaceInGram(gram.byteOffset, this.newRowAt, this.zeroRowAt, weight, this.k);
  }

  private grow(capacity: number): void {
    const { k } = this;
    const memory = this.exports.memory;
    const bytes = this.rowsAt + (2 + k) * capacity * 8;
    const pages = Math.ceil(bytes / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) memory.grow(pages);
    const { buffer } = memory;
    this.sums = new Float64Array(buffer, 0, 5);
    this.oldRow = new Float64Array(buffer, this.oldRowAt, k);
    this.newRow = new Float64Array(buffer, this.newRowAt, k);
    this.product = new Float64Array(buffer, this.productAt, k);
    this.userGram = new Float64Array(buffer, this.productAt + k * 8, k * k);
    this.itemGram = new Float64Array(buffer, this.productAt + k * 8 + k * k * 8, k * k);
    this.weights = new Float64Array(buffer, this.rowsAt, capacity);
    this.residuals = new Float64Array(buffer, this.rowsAt + capacity * 8, capacity);
    this.gathered = new Float64Array(buffer, this.rowsAt + 2 * capacity * 8, k * capacity);
    this.capacity = capacity;
  }
}
