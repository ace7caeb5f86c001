import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChunkWrites } from '../../src/batch/workers/chunk-writes.ts';
import { listCustomerAccounts, recordCustomerAccount } from '../../src/store/customer-search.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/** The chunk's ledger writes: committed together, and a bad customer fails alone. */
describe('chunk writes', () => {
  let temp: TempStore;
  beforeAll(async () => {
    temp = await openTempStore('chunk-writes');
  });
  afterAll(async () => {
    await temp.close();
  });

  it('commits every `flushEvery` customers and at flush; one failing customer fails alone', async () => {
    const db = temp.store.db;
    const writes = createChunkWrites(db, 3);
    const failed: string[] = [];
    const add = (customerId: string, bad = false) =>
      writes.add({
        customerId,
        writes: [
          (trx) => recordCustomerAccount(trx, customerId, `NL00BANK${customerId.padStart(6, '0')}`),
          async () => {
            if (bad) throw new Error(`customer ${customerId} cannot be written`);
          },
        ],
        onFailure: async (err) => {
          failed.push(`${customerId}: ${(err as Error).message}`);
        },
      });
    await add('1');
    await add('2');
    expect(await listCustomerAccounts(db, '1')).toEqual([]); // queued, not committed yet
    await add('3', true); // the third customer commits the batch, which fails, then one by one
    expect(failed).toEqual(['3: customer 3 cannot be written']);
    expect(await listCustomerAccounts(db, '1')).toEqual(['00000001']);
    expect(await listCustomerAccounts(db, '2')).toEqual(['00000002']);
    expect(await listCustomerAccounts(db, '3')).toEqual([]); // its writes are all or none
    await add('4');
    await writes.flush();
    expect(await listCustomerAccounts(db, '4')).toEqual(['00000004']);
    await writes.flush(); // nothing queued: nothing happens
  });

  it('a busy database stops the chunk instead of failing the customer', async () => {
    const writes = createChunkWrites(temp.store.db, 1);
    const failed: string[] = [];
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    await expect(
      writes.add({
        customerId: '9',
        writes: [
          async () => {
            throw busy;
          },
        ],
        onFailure: async () => {
          failed.push('9');
        },
      }),
    ).rejects.toBe(busy);
    expect(failed).toEqual([]); // retried with the chunk, never a `failed` customer
  });
});
