import { createHash } from 'node:crypto';

/** Lower-case hex sha256 of bytes or UTF-8 text: the identity of every artifact and version. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A short, stable id derived from parts, e.g. a communication id from (run, customer, channel). */
export function stableId(prefix: string, ...parts: string[]): string {
  return `${prefix}_${sha256Hex(parts.join('\u001f')).slice(0, 24)}`;
}
