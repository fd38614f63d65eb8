// Chooses the TensorFlow.js backend once per thread: the native `@tensorflow/tfjs-node` when it
// loads (it is an optional dependency whose install downloads libtensorflow, so it is often
// absent), else `@tensorflow/tfjs` on the WASM backend, else tfjs's pure-JS CPU backend. The
// choice is logged and exported as the `tf_backend` label of `pushflow_build_info`.

export type Tf = typeof import('@tensorflow/tfjs');
export type TfBackendName = 'tfjs-node' | 'wasm' | 'cpu';
export type TfBackendPreference = 'auto' | TfBackendName;

export interface TensorflowRuntime {
  tf: Tf;
  backend: TfBackendName;
}

/** How the modules are loaded; tests replace these to simulate a missing or present package. */
export interface TfLoaders {
  node(): Promise<unknown>;
  tfjs(): Promise<Tf>;
  wasm(): Promise<unknown>;
}

const DEFAULT_LOADERS: TfLoaders = {
  // A variable specifier keeps TypeScript from requiring the optional package's types.
  node: () => import(/* @vite-ignore */ TFJS_NODE_PACKAGE()),
  tfjs: () => import('@tensorflow/tfjs'),
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
};

function TFJS_NODE_PACKAGE(): string {
  return '@tensorflow/tfjs-node';
}

let chosen: Promise<TensorflowRuntime> | undefined;

/**
 * Loads TensorFlow.js on the best backend available, once per thread (later calls return the
 * first choice). `log` hears which backend was chosen and why the better ones were not.
 */
export function loadTensorflow(preference: TfBackendPreference = 'auto', log?: (message: string) => void): Promise<TensorflowRuntime> {
  chosen ??= selectBackend(preference, DEFAULT_LOADERS, log);
  return chosen;
}

/** The selection itself, with injectable loaders (tests). Prefers tfjs-node, then wasm, then cpu. */
export async function selectBackend(preference: TfBackendPreference, loaders: TfLoaders, log?: (message: string) => void): Promise<TensorflowRuntime> {
  if (preference === 'auto' || preference === 'tfjs-node') {
    try {
      const native = (await loaders.node()) as Partial<Tf> & { default?: Partial<Tf> };
      const tf = (typeof native.setBackend === 'function' ? native : native.default) as Tf | undefined;
      if (tf === undefined || typeof tf.setBackend !== 'function') throw new Error('the module does not look like TensorFlow.js');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" did not initialize');
      log?.('behavior model: TensorFlow.js backend tfjs-node (native libtensorflow)');
      return { tf, backend: 'tfjs-node' };
    } catch (error) {
      if (preference === 'tfjs-node') throw new Error(`behavior.backend is tfjs-node but it does not load: ${(error as Error).message}`);
      log?.(`behavior model: @tensorflow/tfjs-node not available (${firstLine(error)}); trying WASM`);
    }
  }
  const tf = await loaders.tfjs();
  if (preference === 'auto' || preference === 'wasm') {
    try {
      await loaders.wasm();
      if (!(await tf.setBackend('wasm'))) throw new Error('backend "wasm" did not initialize');
      await tf.ready();
      log?.('behavior model: TensorFlow.js backend wasm');
      return { tf, backend: 'wasm' };
    } catch (error) {
      if (preference === 'wasm') throw new Error(`behavior.backend is wasm but it does not load: ${(error as Error).message}`);
      log?.(`behavior model: WASM backend not available (${firstLine(error)}); using the CPU backend`);
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  log?.('behavior model: TensorFlow.js backend cpu (slow: about a sixth of WASM)');
  return { tf, backend: 'cpu' };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
