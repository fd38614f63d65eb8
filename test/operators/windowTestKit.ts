// What the window operator specs share: a temporary LMDB, a marble scheduler whose flush runs
// inside one transaction (as a batch does), and small events and aggregates.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { StateStore } from '../../state/stateStore.js';
import { WindowStore } from '../../state/windowStore.js';

export interface Click {
  user: string;
  time: number;
  id?: string;
}

export const click = (user: string, time: number, id?: string): Click => (id === undefined ? { user, time } : { user, time, id });
export const byUser = (event: Click) => event.user;

/** Counts events; merges for sessions and sliding windows. */
export const count = { init: () => 0, add: (n: number) => n + 1, merge: (a: number, b: number) => a + b };

/** Collects the times of the events, sorted, to show which landed in which window. */
export const collect = {
  init: (): number[] => [],
  add: (times: number[], event: Click) => [...times, event.time].sort((x, y) => x - y),
  merge: (a: number[], b: number[]) => [...a, ...b].sort((x, y) => x - y),
};

export class WindowFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'pushflow-windows-'));
  state = new StateStore({ path: this.dir, flushEachCommit: false });

  store<A>(name: string): WindowStore<A> {
    return WindowStore.open<A>(this.state, name);
  }

  /** Runs marbles; everything the flush does happens inside one LMDB transaction. */
  run(callback: (helpers: Parameters<Parameters<TestScheduler['run']>[0]>[0]) => void): void {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run((helpers) => {
      callback(helpers);
      this.state.transaction(() => helpers.flush());
    });
  }

  /** Closes and reopens the LMDB environment, as a process restart does. */
  async restart(): Promise<void> {
    await this.state.close();
    this.state = new StateStore({ path: this.dir, flushEachCommit: false });
  }

  async close(): Promise<void> {
    await this.state.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
