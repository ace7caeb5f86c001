import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { MissiveError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import type { BlobRef, BlobStore } from './blob-store.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface S3BlobStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, e.g. "missive/" (default none). */
  prefix?: string;
  /** An S3 client, or its configuration (endpoint, region, credentials; path-style is forced). */
  client: S3Client | S3ClientConfig;
}

/**
 * Blobs as objects `<prefix>sha256/ab/cd/<sha256>` in an S3-compatible bucket (AWS S3, MinIO, Ceph…),
 * behind the same interface as the filesystem store: content-addressed, idempotent puts, every read
 * verified against its sha256. The object carries its sha256 as `x-amz-meta-sha256` too. For WORM
 * (RELIABILITY A3) enable Object Lock on the bucket; `delete` then fails for locked objects and
 * erasure relies on crypto-shredding.
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const client =
    options.client instanceof S3Client
      ? options.client
      : new S3Client({
          forcePathStyle: true,
          // Plain single-part uploads with Content-MD5-free bodies: what every S3-compatible server accepts.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
          ...options.client,
        });
  const { bucket } = options;
  const keyOf = (sha256: string) => {
    if (!SHA256_HEX.test(sha256)) throw new MissiveError('MSV_ARCHIVE_NOT_FOUND', `not a sha256: ${sha256}`);
    return `${options.prefix ?? ''}sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  };

  async function has(sha256: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(sha256) }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async function put(bytes: Uint8Array, expectedSha256?: string): Promise<BlobRef> {
    const sha256 = sha256Hex(bytes);
    if (expectedSha256 && expectedSha256 !== sha256) {
      throw new MissiveError('MSV_ARCHIVE_TAMPERED', `bytes hash to ${sha256}, expected ${expectedSha256}`);
    }
    if (await has(sha256)) return { sha256, size: bytes.byteLength, created: false };
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: keyOf(sha256),
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentType: 'application/octet-stream',
        Metadata: { sha256 },
      }),
    );
    return { sha256, size: bytes.byteLength, created: true };
  }

  async function get(sha256: string): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(sha256) }));
      bytes = await object.Body!.transformToByteArray();
    } catch (err) {
      if (!isNotFound(err)) throw err;
      throw new MissiveError(
        'MSV_ARCHIVE_NOT_FOUND',
        `no blob ${sha256} in s3://${bucket}`,
        {},
        { cause: err },
      );
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

  async function remove(sha256: string): Promise<boolean> {
    if (!(await has(sha256))) return false;
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(sha256) }));
    return true;
  }

  return {
    name: 's3',
    put,
    get,
    has,
    delete: remove,
    locate: (sha256) => `s3://${bucket}/${keyOf(sha256)}`,
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
