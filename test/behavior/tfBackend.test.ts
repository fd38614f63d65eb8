import { describe, expect, it } from 'vitest';
import { loadTensorflow, selectBackend, type Tf, type TfLoaders } from '../../src/behavior/tfBackend.js';

const missing = () => Promise.reject(new Error("Cannot find package '@tensorflow/tfjs-node'"));

describe('TensorFlow.js backend selection', () => {
  it('takes WASM when tfjs-node is not installed (as on this machine), tfjs-node when it is', async () => {
    const nodeInstalled = await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/')).then(
      () => true,
      () => false,
    );
    const runtime = await loadTensorflow('auto');
    expect(runtime.backend).toBe(nodeInstalled ? 'tfjs-node' : 'wasm');
    expect(runtime.tf.getBackend()).toBe(nodeInstalled ? 'tensorflow' : 'wasm');
  });

  it('logs why it did not take the better backends', async () => {
    const messages: string[] = [];
    const loaders: TfLoaders = { node: missing, tfjs: () => import('@tensorflow/tfjs'), wasm: () => import('@tensorflow/tfjs-backend-wasm') };
    const runtime = await selectBackend('auto', loaders, (message) => messages.push(message));
    expect(runtime.backend).toBe('wasm');
    expect(messages[0]).toMatch(/tfjs-node not available .*Cannot find package/);
    expect(messages[1]).toMatch(/backend wasm/);
  });

  it('takes tfjs-node when it loads', async () => {
    let asked = '';
    const fakeNode = { setBackend: async (name: string) => ((asked = name), true) } as unknown as Tf;
    const loaders: TfLoaders = { node: async () => fakeNode, tfjs: () => Promise.reject(new Error('not needed')), wasm: missing };
    const runtime = await selectBackend('auto', loaders);
    expect(runtime.backend).toBe('tfjs-node');
    expect(asked).toBe('tensorflow');
  });

  it('falls back to the CPU backend when WASM does not load either', async () => {
    const tf = await import('@tensorflow/tfjs');
    const previous = tf.getBackend();
    try {
      const runtime = await selectBackend('auto', { node: missing, tfjs: async () => tf, wasm: () => Promise.reject(new Error('no wasm')) });
      expect(runtime.backend).toBe('cpu');
    } finally {
      await tf.setBackend(previous);
    }
  });

  it('fails when a backend is demanded and absent', async () => {
    await expect(selectBackend('tfjs-node', { node: missing, tfjs: () => import('@tensorflow/tfjs'), wasm: missing })).rejects.toThrow(/tfjs-node/);
  });
});
