// A fresh LMDB environment in a temporary folder for each test of a `describe`, closed and
// deleted after it; `reopen()` closes it and opens the same folder again, as a restart would.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { StateStore, type StateStoreOptions } from '../../state/stateStore.js';

export interface TempStateStore {
  /** The open store of the running test. */
  readonly store: StateStore;
  readonly dir: string;
  /** Closes the store and opens its folder again. */
  reopen(): Promise<StateStore>;
}

export function useTempStateStore(label: string, options: Omit<StateStoreOptions, 'path'> = {}): TempStateStore {
  let dir = '';
  let store: StateStore | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `pushflow-${label}-`));
    store = new StateStore({ ...options, path: dir });
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get store() {
      if (store === undefined) throw new Error('useTempStateStore: the store exists only inside a test');
      return store;
    },
    get dir() {
      return dir;
    },
    async reopen() {
      await store?.close();
      store = new StateStore({ ...options, path: dir });
      return store;
    },
  };
}
