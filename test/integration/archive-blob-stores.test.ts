import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { createS3BlobStore } from '../../src/archive/s3-blob-store.ts';
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
