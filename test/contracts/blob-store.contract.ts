import { expect, it } from 'vitest';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { sha256Hex } from '../../src/core/hash.ts';

/**
 * What every BlobStore must do, run against each implementation (fs, S3) on a real backend.
 * `alter(sha256, bytes)` overwrites a stored blob behind the store's back, as an attacker would.
 */
export function runBlobStoreContract(setup: {
  make(): BlobStore;
  alter(store: BlobStore, sha256: string, bytes: Uint8Array): Promise<void>;
}): void {
  const bytes = Buffer.from(`%PDF-1.7 contract ${Math.random()}`);
  const sha = sha256Hex(bytes);

  it('stores bytes under their sha256, once', async () => {
    const store = setup.make();
    expect(await store.has(sha)).toBe(false);
    expect(await store.put(bytes)).toEqual({ sha256: sha, size: bytes.length, created: true });
    expect(await store.put(bytes, sha)).toEqual({ sha256: sha, size: bytes.length, created: false });
    expect(await store.has(sha)).toBe(true);
    expect(Buffer.from(await store.get(sha))).toEqual(bytes);
    expect(store.locate(sha)).toContain(sha);
  });

  it('refuses bytes that do not match the expected sha256', async () => {
    await expect(setup.make().put(Buffer.from('x'), sha)).rejects.toMatchObject({
      code: 'MSV_ARCHIVE_TAMPERED',
    });
  });

  it('reports a missing blob and a malformed key as not found', async () => {
    const store = setup.make();
    await expect(store.get('f'.repeat(64))).rejects.toMatchObject({ code: 'MSV_ARCHIVE_NOT_FOUND' });
    await expect(store.get('../etc/passwd')).rejects.toMatchObject({ code: 'MSV_ARCHIVE_NOT_FOUND' });
  });

  it('never serves altered bytes as genuine', async () => {
    const store = setup.make();
    const other = Buffer.from(`altered ${Math.random()}`);
    const ref = await store.put(other);
    await setup.alter(store, ref.sha256, Buffer.from('something else entirely'));
    await expect(store.get(ref.sha256)).rejects.toMatchObject({ code: 'MSV_ARCHIVE_TAMPERED' });
  });

  it('deletes a blob (retention, erasure) and says whether it existed', async () => {
    const store = setup.make();
    const gone = Buffer.from(`to delete ${Math.random()}`);
    const ref = await store.put(gone);
    expect(await store.delete!(ref.sha256)).toBe(true);
    expect(await store.has(ref.sha256)).toBe(false);
    expect(await store.delete!(ref.sha256)).toBe(false);
  });
}
