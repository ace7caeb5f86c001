import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MissiveError } from '../core/errors.ts';
import { InvariantError } from '../core/invariant.ts';

/**
 * The provider's answer, kept where a full disk cannot refuse it (issue 17 item 3). SMTP has no
 * lookup: once a server has accepted a message, the ledger's `sent` is the only record of it, and
 * when that write failed (SQLITE_FULL, a crash just after the 250) the send looked interrupted and
 * went out again. So before the ledger is told, the answer is written into a slot of a file made at
 * full size when the dispatch stage starts (`<dataDir>/send-journal/<pid>-<id>.journal`): writing
 * over bytes the file already owns needs no new space, and the write is synced before the ledger
 * is touched. A send whose `sent` was not recorded is found here before anything is sent again.
 *
 * A slot is reserved before the send (no free slot: nothing is sent), written after the provider
 * accepted, and freed once the ledger says `sent`. A stale receipt is harmless: it is only read for
 * a communication in `sending` or `unknown`. Files of processes that are gone are read too, and
 * removed once none of their slots holds a receipt. One journal per machine's data folder: a
 * worker on another machine (a shared PostgreSQL) cannot see this one's receipts.
 */
export interface SendReceipt {
  communicationId: string;
  providerId: string;
  providerStatus: string | null;
  /** When the provider's answer came (ISO). */
  at: string;
}

export interface JournalSlot {
  /** Writes the receipt into the slot and syncs it. */
  write(receipt: SendReceipt): Promise<void>;
  /** The ledger has it (or nothing was sent): the slot is free again. */
  release(): void;
}

export interface SendJournal {
  /** A slot for one send; throws MSV_DISK_FULL when every slot holds an answer the ledger refused. */
  reserve(): JournalSlot;
  /** The receipt of a communication in any journal of the folder, this process's or a dead one's. */
  find(communicationId: string): SendReceipt | undefined;
  /** Clears the communication's receipts everywhere (it is now `sent` in the ledger). */
  forget(communicationId: string): void;
  close(): void;
}

export const JOURNAL_SLOTS = 64;
const SLOT_BYTES = 1_024;
const SUFFIX = '.journal';

/**
 * Opens this process's send journal (provider acceptances written before the ledger, RELIABILITY N3).
 * @throws MissiveError MSV_DISK_FULL when its file cannot be written.
 */
export function openSendJournal(dir: string, slots = JOURNAL_SLOTS): SendJournal {
  fs.mkdirSync(dir, { recursive: true });
  removeSpentJournals(dir);
  const file = path.join(dir, `${process.pid}-${randomBytes(4).toString('hex')}${SUFFIX}`);
  const fd = fs.openSync(file, 'w+');
  // Every byte written now (not a sparse file): later writes land on space the file already holds.
  fs.writeSync(fd, Buffer.alloc(slots * SLOT_BYTES), 0, slots * SLOT_BYTES, 0);
  fs.fsyncSync(fd);
  const free = Array.from({ length: slots }, (_, i) => slots - 1 - i);
  let closed = false;

  const clear = (target: number, slot: number) =>
    fs.writeSync(target, Buffer.alloc(SLOT_BYTES), 0, SLOT_BYTES, slot * SLOT_BYTES);

  return {
    reserve() {
      const slot = free.pop();
      if (slot === undefined) {
        throw new MissiveError(
          'MSV_DISK_FULL',
          `the send journal ${file} holds ${slots} accepted sends the store could not record: no more is sent until the store can be written`,
        );
      }
      let written = false;
      return {
        async write(receipt) {
          // The journal is closed only after the sends that reserved its slots have finished.
          if (closed) throw new InvariantError(`the send journal ${file} is closed`);
          const bytes = encode(receipt);
          await new Promise<void>((resolve, reject) =>
            fs.write(fd, bytes, 0, SLOT_BYTES, slot * SLOT_BYTES, (err) => (err ? reject(err) : resolve())),
          );
          await new Promise<void>((resolve, reject) =>
            fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())),
          );
          written = true;
        },
        release() {
          if (closed) return;
          if (written) clear(fd, slot);
          free.push(slot);
        },
      };
    },
    find(communicationId) {
      for (const { receipt } of receiptsIn(dir))
        if (receipt.communicationId === communicationId) return receipt;
      return undefined;
    },
    forget(communicationId) {
      for (const hit of receiptsIn(dir)) {
        if (hit.receipt.communicationId !== communicationId) continue;
        if (hit.file === file && !closed) {
          clear(fd, hit.slot);
          if (!free.includes(hit.slot)) free.push(hit.slot); // its send's slot was kept when the ledger refused
          continue;
        }
        const target = fs.openSync(hit.file, 'r+');
        try {
          clear(target, hit.slot);
        } finally {
          fs.closeSync(target);
        }
      }
    },
    close() {
      if (closed) return;
      closed = true;
      fs.closeSync(fd);
      if (receiptsIn(dir).every((hit) => hit.file !== file)) fs.rmSync(file, { force: true });
    },
  };
}

function encode(receipt: SendReceipt): Buffer {
  const json = JSON.stringify({
    c: receipt.communicationId,
    p: receipt.providerId.slice(0, 700),
    s: receipt.providerStatus,
    at: receipt.at,
  });
  const bytes = Buffer.alloc(SLOT_BYTES);
  bytes.write(`${json}\n`, 0, 'utf8');
  return bytes;
}

interface Hit {
  file: string;
  slot: number;
  receipt: SendReceipt;
}

function receiptsIn(dir: string): Hit[] {
  const hits: Hit[] = [];
  for (const name of journalFiles(dir)) {
    const file = path.join(dir, name);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      continue; // removed meanwhile
    }
    for (let slot = 0; slot * SLOT_BYTES < bytes.length; slot += 1) {
      const receipt = decode(bytes.subarray(slot * SLOT_BYTES, (slot + 1) * SLOT_BYTES));
      if (receipt) hits.push({ file, slot, receipt });
    }
  }
  return hits;
}

function decode(slot: Buffer): SendReceipt | undefined {
  if (slot[0] !== 0x7b) return undefined; // '{': zeros are a free slot
  const end = slot.indexOf(0x0a);
  try {
    const r = JSON.parse(slot.subarray(0, end < 0 ? slot.length : end).toString('utf8'));
    if (typeof r.c !== 'string' || typeof r.p !== 'string') return undefined;
    return { communicationId: r.c, providerId: r.p, providerStatus: r.s ?? null, at: String(r.at) };
  } catch {
    return undefined; // torn by a crash mid-write: that send stays ambiguous
  }
}

function journalFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((n) => n.endsWith(SUFFIX));
  } catch {
    return [];
  }
}

/** Journals of processes that are gone and hold no receipt. */
function removeSpentJournals(dir: string): void {
  const holding = new Set(receiptsIn(dir).map((h) => path.basename(h.file)));
  for (const name of journalFiles(dir)) {
    const pid = Number(name.split('-')[0]);
    if (holding.has(name) || (Number.isInteger(pid) && isAlive(pid))) continue;
    fs.rmSync(path.join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
