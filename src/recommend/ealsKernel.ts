// The inner pass of the eALS descent in WebAssembly SIMD (ealsKernel.wat): the arrays a pass
// reads live in the kernel's memory, where `descend` (ealsModel.ts) fills them, and each pass is
// one call that sums two entries per instruction. About 2.3 times the plain loop's speed in V8.

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

type PairPass = (
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
) => void;

/** Bytes before the arrays: the five sums a pass writes. */
const SUMS_BYTES = 64;
const PAGE_BYTES = 65_536;

/**
 * One row's descent arrays in WebAssembly memory, for up to `capacity` entries: `weights`
 * (a_j), `residuals` (r_j) and `gathered` (the partners' factors factor-major, `stride` entries
 * a factor). `prepare(n)` sets the stride to n rounded up to even; the odd entry must be zero
 * in all three (`descend` writes it), so that every pass runs two entries at a time.
 */
export class DescentKernel {
  weights = new Float64Array(0);
  residuals = new Float64Array(0);
  gathered = new Float64Array(0);
  /** numerator f, numerator f', diagonal f, diagonal f', pair: written by `pairPass`. */
  sums = new Float64Array(0);
  stride = 0;
  private capacity = 0;
  private readonly memory: WasmMemory;
  private readonly pass: PairPass;

  constructor(private readonly k: number) {
    const instance = new WebAssembly.Instance(compiled, {});
    this.memory = instance.exports.memory as WasmMemory;
    this.pass = instance.exports.pairPass as PairPass;
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
   * `previous1` (by `delta0`, `delta1`), then the sums of coordinates f0 and f1 go to `sums`.
   */
  pairPass(f0: number, f1: number, previous0: number, previous1: number, delta0: number, delta1: number): void {
    const columnBytes = this.stride * 8;
    const gathered = this.gathered.byteOffset;
    this.pass(
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

  private grow(capacity: number): void {
    const bytes = SUMS_BYTES + (2 + this.k) * capacity * 8;
    const pages = Math.ceil(bytes / PAGE_BYTES) - this.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) this.memory.grow(pages);
    const { buffer } = this.memory;
    this.sums = new Float64Array(buffer, 0, 5);
    this.weights = new Float64Array(buffer, SUMS_BYTES, capacity);
    this.residuals = new Float64Array(buffer, SUMS_BYTES + capacity * 8, capacity);
    this.gathered = new Float64Array(buffer, SUMS_BYTES + 2 * capacity * 8, this.k * capacity);
    this.capacity = capacity;
  }
}
