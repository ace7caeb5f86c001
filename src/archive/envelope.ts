import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { MissiveError } from '../core/errors.ts';

/**
 * AES-256-GCM envelope for objects that hold personal data (the merge-data snapshots): without the
 * data key the bytes are noise, so deleting the key crypto-shreds every copy, backups and WORM
 * storage included. Layout: "MSE1" ‖ nonce (12) ‖ tag (16) ‖ ciphertext; the key id is bound as
 * additional authenticated data.
 *
 * The nonce is HMAC-SHA256(key, plaintext) cut to 96 bits (a synthetic IV, as in RFC 5297's idea):
 * the same plaintext under the same key gives the same envelope, so a retried archive step stores the
 * same content-addressed blob instead of a second one. It reveals only that two snapshots are equal.
 */

const MAGIC = Buffer.from('MSE1');
const NONCE = 12;
const TAG = 16;

export function sealEnvelope(key: Uint8Array, keyId: string, plaintext: Uint8Array): Uint8Array {
  checkKey(key);
  const nonce = createHmac('sha256', key).update(plaintext).digest().subarray(0, NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(keyId));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([MAGIC, nonce, cipher.getAuthTag(), body]);
}

export function openEnvelope(key: Uint8Array, keyId: string, sealed: Uint8Array): Uint8Array {
  checkKey(key);
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < MAGIC.length + NONCE + TAG || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new MissiveError('MSV_ARCHIVE_DECRYPT_FAILED', 'not a Missive envelope');
  }
  const nonce = bytes.subarray(MAGIC.length, MAGIC.length + NONCE);
  const tag = bytes.subarray(MAGIC.length + NONCE, MAGIC.length + NONCE + TAG);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(keyId));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(bytes.subarray(MAGIC.length + NONCE + TAG)), decipher.final()]);
  } catch (cause) {
    throw new MissiveError(
      'MSV_ARCHIVE_DECRYPT_FAILED',
      `envelope does not decrypt with key ${keyId}`,
      {},
      { cause },
    );
  }
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new MissiveError('MSV_ARCHIVE_DECRYPT_FAILED', 'a data key is 32 bytes');
}
