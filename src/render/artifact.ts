import { createHash } from 'node:crypto';
import type { Artifact } from '../core/types.ts';

/** Wraps rendered bytes with their sha256 (hex) and size: the identity the archive stores them under. */
export function makeArtifact(
  bytes: Uint8Array,
  mime: string,
  extra: Pick<Artifact, 'pages' | 'segments'> = {},
): Artifact {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { bytes, mime, sha256, size: bytes.byteLength, ...extra };
}
