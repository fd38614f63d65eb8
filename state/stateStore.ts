// Opens the one LMDB environment that holds every store of a pushflow process. Each store module
// in this folder owns its database's name and key layout; nothing else touches the raw databases.

import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';

export interface StateStoreOptions {
  /** Folder of the LMDB environment (`--data-dir`). */
  path: string;
  /**
   * `true` (default): every batch commit is flushed to disk, surviving a power loss.
   * `false`: commits reach the OS at once (surviving SIGKILL) and the disk a moment later.
   */
  flushEachCommit?: boolean;
}

/**
 * A store module that keeps some of a transaction's writes in memory (a dirty set, or a batch's
 * entries gathered into one record) registers itself with `writeBehind`.
 */
export interface WriteBehind {
  /** Writes what is held in memory. Runs inside the transaction, after its work: it commits with it. */
  flush(): void;
  /** The transaction failed: forget what it held in memory and anything read or cached during it. */
  rollback(): void;
}

/** The msgpackr option lmdb-js hands on to each database's encoder (not in its typings): see the constructor. */
const PLAIN_MAPS: object = { useRecords: false };

export class StateStore {
  readonly root: RootDatabase;
  private readonly databases = new Map<string, Database>();
  private readonly writeBehinds = new Set<WriteBehind>();
  private depth = 0;

  constructor(readonly options: StateStoreOptions) {
    mkdirSync(options.path, { recursive: true });
    // Values are plain msgpack maps. msgpackr's records (its default) define each object's shape
    // inline in every value when, as here, no structures are shared: packing a notification, a
    // held send or a cap record took twice as long as a plain map and read no faster. A value
    // written with records before still reads (its definition travels with it). A JS Map would
    // read back as a plain object: no store keeps one.
    this.root = open({
      path: options.path,
      // Always a folder: lmdb-js would otherwise take a path with a dot in its last part
      // (`./data.v2`, mktemp's `/tmp/tmp.XXXX`) for a single-file environment and fail on the folder.
      noSubdir: false,
      maxDbs: 64,
      noSync: options.flushEachCommit === false,
      encoding: 'msgpack',
      ...PLAIN_MAPS,
    });
  }

  /** A named database; store modules call this with their own name once. */
  database<K extends import('lmdb').Key = import('lmdb').Key, V = unknown>(
    name: string,
    options: { encoding?: 'msgpack' | 'binary' | 'json' | 'string'; cache?: boolean } = {},
  ): Database<V, K> {
    let db = this.databases.get(name);
    if (db === undefined) {
      db = this.root.openDB({ name, encoding: options.encoding ?? 'msgpack', ...PLAIN_MAPS, cache: options.cache ?? false });
      this.databases.set(name, db);
    }
    return db as unknown as Database<V, K>;
  }

  /**
   * Flushes `module` at the end of every transaction, inside it, and rolls it back when one fails:
   * what it holds in memory commits together with the rest of the transaction's writes, or not at all.
   * Modules register on their first write (a reader opened per request registers nothing); again is a no-op.
   */
  writeBehind(module: WriteBehind): void {
    this.writeBehinds.add(module);
  }

  /**
   * Runs `work` in one synchronous write transaction: all of its writes commit together or not at
   * all, the write-behind modules' included (flushed after `work`, in registration order).
   */
  transaction<T>(work: () => T): T {
    if (this.depth > 0) return this.root.transactionSync(work);
    this.depth++;
    try {
      return this.root.transactionSync(() => {
        const result = work();
        for (const module of this.writeBehinds) module.flush();
        return result;
      });
    } catch (error) {
      for (const module of this.writeBehinds) module.rollback();
      throw error;
    } finally {
      this.depth--;
    }
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
