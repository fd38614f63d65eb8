import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DescentKernel } from '../../src/recommend/ealsKernel.js';
import { SeededRandom } from '../../src/recommend/seededRandom.js';

describe('DescentKernel (WebAssembly SIMD pass of the eALS descent)', () => {
  it('is built from the current ealsKernel.wat', () => {
    const run = spawnSync(process.execPath, ['scripts/buildWasm.mjs', '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('updates the residuals and sums both coordinates as the plain loop does, for an odd number of entries', () => {
    const k = 4;
    const n = 7;
    const kernel = new DescentKernel(k);
    const stride = kernel.prepare(n);
    expect(stride).toBe(8);
    const random = new SeededRandom(3);
    const a = Array.from({ length: n }, () => random.next() * 3 - 1);
    const r = Array.from({ length: n }, () => random.next() * 2);
    const g = Array.from({ length: k }, () => Array.from({ length: n }, () => random.normal()));
    for (let j = 0; j < stride; j++) {
      kernel.weights[j] = j < n ? a[j] : 0;
      kernel.residuals[j] = j < n ? r[j] : 0;
      for (let f = 0; f < k; f++) kernel.gathered[f * stride + j] = j < n ? g[f][j] : 0;
    }
    const [delta0, delta1] = [0.25, -0.5];
    kernel.pairPass(2, 3, 0, 1, delta0, delta1);
    const expected = [0, 0, 0, 0, 0];
    for (let j = 0; j < n; j++) {
      r[j] -= a[j] * (delta0 * g[0][j] + delta1 * g[1][j]);
      expected[0] += r[j] * g[2][j];
      expected[1] += r[j] * g[3][j];
      expected[2] += a[j] * g[2][j] ** 2;
      expected[3] += a[j] * g[3][j] ** 2;
      expected[4] += a[j] * g[2][j] * g[3][j];
    }
    for (let index = 0; index < 5; index++) expect(kernel.sums[index]).toBeCloseTo(expected[index], 12);
    for (let j = 0; j < n; j++) expect(kernel.residuals[j]).toBeCloseTo(r[j], 14);
    expect(kernel.residuals[n]).toBe(0);
  });

  it('grows its memory for long rows and keeps working', () => {
    const kernel = new DescentKernel(32);
    const stride = kernel.prepare(5001);
    expect(stride).toBe(5002);
    kernel.weights.fill(1, 0, stride);
    kernel.residuals.fill(2, 0, stride);
    kernel.gathered.fill(0.5, 0, 32 * stride);
    kernel.pairPass(0, 1, 0, 1, 0, 0);
    expect(kernel.sums[0]).toBeCloseTo(5002, 9);
    expect(kernel.sums[4]).toBeCloseTo(5002 * 0.25, 9);
  });

  it('multiplies a cache by a row and updates it by rank one from its upper triangle, for an odd K', () => {
    const k = 5;
    const kernel = new DescentKernel(k);
    const random = new SeededRandom(8);
    const full = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        full[a][b] = full[b][a] = random.normal();
        kernel.itemGram[a * k + b] = full[a][b];
      }
    }
    for (let a = 0; a < k; a++) kernel.itemGram[a * k + Math.max(0, a - 1)] += a > 0 ? 1000 : 0; // below the diagonal: never read
    const old = Array.from({ length: k }, () => random.normal());
    const updated = Array.from({ length: k }, () => random.normal());
    kernel.oldRow.set(old);
    kernel.multiplyGram(kernel.itemGram);
    for (let a = 0; a < k; a++) expect(kernel.product[a]).toBeCloseTo(full[a].reduce((sum, value, b) => sum + value * old[b], 0), 12);
    kernel.newRow.set(updated);
    kernel.replaceInGram(kernel.itemGram, 0.5);
    kernel.addToGram(kernel.userGram, 2);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        expect(kernel.itemGram[a * k + b]).toBeCloseTo(full[a][b] + 0.5 * (updated[a] * updated[b] - old[a] * old[b]), 12);
        expect(kernel.userGram[a * k + b]).toBeCloseTo(2 * updated[a] * updated[b], 12);
      }
    }
  });
});
