import type { Kysely } from 'kysely';
import { isDiskFull } from '../../core/disk-full.ts';
import { isStoreBusy } from '../../core/store-busy.ts';
import { type Database, inTransaction } from '../../store/index.ts';

/** One customer's ledger writes (decision, ledger row, log entry, input row…), all or none. */
export interface CustomerWrites {
  customerId: string;
  writes: ((trx: Kysely<Database>) => Promise<void>)[];
  /** Called when this customer's writes could not be committed even on their own. */
  onFailure(err: unknown): Promise<void>;
}

export interface ChunkWrites {
  /** Queues a customer's writes; commits the queue when it holds `flushEvery` customers. */
  add(customer: CustomerWrites): Promise<void>;
  /** Commits whatever is queued (the end of a chunk, a pause). */
  flush(): Promise<void>;
}

/**
 * The ledger writes of a chunk, committed for many customers in one transaction. Each commit takes
 * the database's write lock and writes every page it touched to the WAL; one commit per customer
 * and step made a run write ~180 KB per document and made the render processes queue for the lock.
 * Nothing is lost by waiting: a crash before a commit leaves only stored blobs, which the retried
 * chunk finds again, and decisions are deterministic. A batch that fails is retried one customer at
 * a time, so one bad customer fails alone (RELIABILITY: never crash a run for one customer). A full
 * disk fails no customer: it is thrown, the chunk's job fails and is retried when space is back.
 */
export function createChunkWrites(db: Kysely<Database>, flushEvery: number): ChunkWrites {
  let queued: CustomerWrites[] = [];
  let committing: Promise<void> = Promise.resolve();

  const commit = async (batch: CustomerWrites[]): Promise<void> => {
    if (batch.length === 0) return;
    try {
      await inTransaction(db, async (trx) => {
        for (const customer of batch) for (const write of customer.writes) await write(trx);
      });
    } catch (err) {
      if (isDiskFull(err)) throw err;
      for (const customer of batch) {
        try {
          await inTransaction(db, async (trx) => {
            for (const write of customer.writes) await write(trx);
          });
        } catch (err) {
          if (isDiskFull(err) || isStoreBusy(err)) throw err;
          await customer.onFailure(err);
        }
      }
    }
  };

  const flush = (): Promise<void> => {
    const batch = queued;
    queued = [];
    // One commit at a time: the lanes of a chunk share the queue.
    committing = committing.then(() => commit(batch));
    return committing;
  };

  return {
    async add(customer) {
      queued.push(customer);
      if (queued.length >= flushEvery) await flush();
    },
    flush,
  };
}
