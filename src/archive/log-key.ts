import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MissiveError } from '../core/errors.ts';

/**
 * The Ed25519 key that signs log checkpoints: a PKCS#8 PEM file (default `<data dir>/keys/log-ed25519.pem`,
 * or MISSIVE_LOG_KEY_FILE), generated on first use with mode 0600 in a 0700 folder.
 */
export interface LogKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The raw 32-byte public key, base64: what a checkpoint names and what a verifier pins. */
  publicKeyBase64: string;
  /** First 16 hex digits of sha256(raw public key). */
  keyId: string;
}

/**
 * The Ed25519 key that signs log checkpoints, created on first use.
 * @throws MissiveError MSV_ARCHIVE_KEY_INVALID when the file cannot be read or is not such a key.
 */
export function loadOrCreateLogKey(file: string): LogKey {
  if (!fs.existsSync(file)) createKeyFile(file);
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new MissiveError('MSV_ARCHIVE_KEY_INVALID', `cannot read the log key ${file}`, { file }, { cause });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (cause) {
    throw new MissiveError(
      'MSV_ARCHIVE_KEY_INVALID',
      `${file} is not a PEM private key`,
      { file },
      { cause },
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new MissiveError('MSV_ARCHIVE_KEY_INVALID', `${file} is not an Ed25519 key`, { file });
  }
  return describeKey(privateKey, createPublicKey(privateKey));
}

function createKeyFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  // 'wx': never overwrite a key another process created a moment ago.
  try {
    fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

export function rawPublicKey(publicKey: KeyObject): Buffer {
  // The SPKI DER of an Ed25519 key is a 12-byte header followed by the 32 raw bytes.
  return publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
}

export function publicKeyFromBase64(raw: string): KeyObject {
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length !== 32) {
    throw new MissiveError('MSV_ARCHIVE_CHECKPOINT_INVALID', 'an Ed25519 public key is 32 bytes');
  }
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), bytes]);
  return createPublicKey({ key: der, format: 'der', type: 'spki' });
}

export function keyIdOf(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

function describeKey(privateKey: KeyObject, publicKey: KeyObject): LogKey {
  const raw = rawPublicKey(publicKey);
  return { privateKey, publicKey, publicKeyBase64: raw.toString('base64'), keyId: keyIdOf(raw) };
}
