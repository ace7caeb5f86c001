import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { openBlobStore } from '../../src/archive/open-blob-store.ts';
import { createS3BlobStore } from '../../src/archive/s3-blob-store.ts';
import { loadConfig } from '../../src/core/config.ts';
import { runBlobStoreContract } from '../contracts/blob-store.contract.ts';
import { startS3 } from '../servers/s3.ts';

describe('the filesystem blob store', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-fs-blobs-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  runBlobStoreContract({
    make: () => createFsBlobStore(dir),
    alter: async (store, sha256, bytes) => {
      const file = store.locate(sha256);
      fs.chmodSync(file, 0o644);
      fs.writeFileSync(file, bytes);
    },
  });
});

describe('the S3 blob store against a real S3-compatible server (s3rver on 127.0.0.1)', () => {
  const bucket = 'missive-archive';
  let s3: Awaited<ReturnType<typeof startS3>>;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3(bucket);
    client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });
  afterAll(async () => {
    client.destroy();
    await s3.stop();
  });

  runBlobStoreContract({
    make: () => createS3BlobStore({ bucket, prefix: 'test/', client }),
    alter: async (store, sha256, bytes) => {
      const key = store.locate(sha256).replace(`s3://${bucket}/`, '');
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    },
  });
});

describe('the archive the configuration names', () => {
  const bucket = 'missive-configured';
  let s3: Awaited<ReturnType<typeof startS3>>;
  beforeAll(async () => {
    s3 = await startS3(bucket);
  });
  afterAll(async () => s3?.stop());

  it('is the data folder by default and the bucket when MISSIVE_ARCHIVE_S3_BUCKET is set', async () => {
    expect(openBlobStore(loadConfig({ MISSIVE_DATA_DIR: '/tmp/missive-x' })).name).toBe('fs');
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    try {
      const store = openBlobStore(
        loadConfig({
          MISSIVE_ARCHIVE_S3_BUCKET: bucket,
          MISSIVE_ARCHIVE_S3_ENDPOINT: s3.endpoint,
          MISSIVE_ARCHIVE_S3_PREFIX: 'archive/',
        }),
      );
      const bytes = new TextEncoder().encode('a statement');
      const ref = await store.put(bytes);
      expect(Buffer.from(await store.get(ref.sha256)).toString()).toBe('a statement');
      expect(store.locate(ref.sha256)).toContain(`${bucket}/archive/`);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });
});
