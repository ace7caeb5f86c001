import crypto from 'node:crypto';
import type { Artifact } from '../core/types.ts';

/** Wraps rendered bytes with their sha256 (hex) and size: the identity the archive stores them under. */
export function makeArtifact(
  bytes: Uint8Array,
  mime: string,
  extra: Pick<Artifact, 'pages' | 'segments'> = {},
): Artifact {
  const sha256 = sha256Hex(bytes);
  return { bytes, mime, sha256, size: bytes.byteLength, ...extra };
}

/** crypto.hash (Node ≥ 20.12) is one-shot, with no Hash object per document; older Node 20 falls back. */
const sha256Hex: (bytes: Uint8Array) => string =
  typeof crypto.hash === 'function'
    ? (bytes) => crypto.hash('sha256', bytes, 'hex')
    : (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');
