import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { MissiveError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import type { BlobRef, BlobStore } from './blob-store.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Blobs as read-only files under `<root>/sha256/ab/cd/<sha256>`. Writes go to a temp file in the
 * same folder and are renamed into place, so a crash never leaves a half-written blob under its key.
 */
export function createFsBlobStore(root: string): BlobStore {
  const pathOf = (sha256: string) => {
    if (!SHA256_HEX.test(sha256)) throw new MissiveError('MSV_ARCHIVE_NOT_FOUND', `not a sha256: ${sha256}`);
    return path.join(root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };
  /** Fan-out folders this process has made (at most 65,536): a million puts need not mkdir each time. */
  const folders = new Set<string>();

  async function has(sha256: string): Promise<boolean> {
    try {
      await fs.access(pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async function put(bytes: Uint8Array, expectedSha256?: string): Promise<BlobRef> {
    const sha256 = sha256Hex(bytes);
    if (expectedSha256 && expectedSha256 !== sha256) {
      throw new MissiveError('MSV_ARCHIVE_TAMPERED', `bytes hash to ${sha256}, expected ${expectedSha256}`);
    }
    const target = pathOf(sha256);
    if (await has(sha256)) return { sha256, size: bytes.byteLength, created: false };
    const folder = path.dirname(target);
    if (!folders.has(folder)) {
      await fs.mkdir(folder, { recursive: true });
      folders.add(folder);
    }
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      try {
        await fs.writeFile(temp, bytes, { mode: 0o444 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        await fs.mkdir(folder, { recursive: true }); // removed behind our back (e.g. by hand)
        await fs.writeFile(temp, bytes, { mode: 0o444 });
      }
      await fs.rename(temp, target);
    } catch (err) {
      // A full disk (ENOSPC) leaves part of the bytes: the temp file goes, the blob was not stored.
      await fs.rm(temp, { force: true }).catch(() => {});
      const e = err as NodeJS.ErrnoException;
      if (e && typeof e === 'object' && !e.path) e.path = temp; // a write on a handle names no path
      throw err;
    }
    return { sha256, size: bytes.byteLength, created: true };
  }

  async function get(sha256: string): Promise<Uint8Array> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(pathOf(sha256));
    } catch (err) {
      throw new MissiveError('MSV_ARCHIVE_NOT_FOUND', `no blob ${sha256} in ${root}`, {}, { cause: err });
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha256) {
      throw new MissiveError(
        'MSV_ARCHIVE_TAMPERED',
        `blob ${sha256} now hashes to ${actual}: it was altered`,
      );
    }
    return bytes;
  }

  /** Unlinking needs write access to the folder only, so read-only (0444) blob files can go. */
  async function remove(sha256: string): Promise<boolean> {
    try {
      await fs.unlink(pathOf(sha256));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  return { name: 'fs', put, get, has, delete: remove, locate: pathOf };
}
