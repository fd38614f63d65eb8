// The outbox on a real LMDB: entries exist exactly when their transaction committed, in order,
// whether read from the values this process holds or, after a restart, from disk.

import { describe, expect, it } from 'vitest';
import { Outbox } from '../../state/outbox.js';
import { useTempStateStore } from '../support/tempStateStore.js';

interface Message {
  to: string;
  text: string;
}

describe('Outbox', () => {
  const temp = useTempStateStore('outbox');

  function commitBatch(outbox: Outbox<Message>, messages: Message[]): void {
    temp.store.transaction(() => messages.forEach((m) => outbox.add(m)));
    outbox.committed();
  }

  it('hands out committed entries oldest first, and forgets removed ones', async () => {
    const outbox = new Outbox<Message>(temp.store, 'test:outbox');
    commitBatch(outbox, [{ to: 'a', text: 'one' }, { to: 'b', text: 'two' }]);
    commitBatch(outbox, [{ to: 'c', text: 'three' }]);
    expect(outbox.depth()).toBe(3);
    const entries = outbox.peek(10);
    expect(entries.map((e) => e.value.text)).toEqual(['one', 'two', 'three']);
    await outbox.remove([entries[0].seq]);
    expect(outbox.peek(10).map((e) => e.value.text)).toEqual(['two', 'three']);
    expect(outbox.peek(1).map((e) => e.value.text)).toEqual(['two']);
    expect(outbox.depth()).toBe(2);
  });

  it('holds nothing of a rolled-back transaction, and the next commit counts only its own entries', () => {
    const outbox = new Outbox<Message>(temp.store, 'test:outbox');
    expect(() =>
      temp.store.transaction(() => {
        outbox.add({ to: 'x', text: 'lost' });
        throw new Error('batch failed');
      }),
    ).toThrow('batch failed');
    commitBatch(outbox, [{ to: 'y', text: 'kept' }]);
    expect(outbox.peek(10).map((e) => e.value.text)).toEqual(['kept']);
    expect(outbox.depth()).toBe(1);
  });

  it('reads the entries back from disk after a restart, with their sequence numbers', async () => {
    const outbox = new Outbox<Message>(temp.store, 'test:outbox');
    commitBatch(outbox, [{ to: 'a', text: 'one' }, { to: 'b', text: 'two' }]);
    const before = outbox.peek(10);
    await temp.reopen();
    const reopened = new Outbox<Message>(temp.store, 'test:outbox');
    expect(reopened.depth()).toBe(2);
    expect(reopened.peek(10)).toEqual(before);
    commitBatch(reopened, [{ to: 'c', text: 'three' }]);
    expect(reopened.peek(10).map((e) => e.seq)).toEqual([...before.map((e) => e.seq), before[1].seq + 1]);
  });
});
