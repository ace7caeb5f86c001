import { sign, verify } from 'node:crypto';
import { z } from 'zod';
import { MissiveError } from '../core/errors.ts';
import { keyIdOf, type LogKey, publicKeyFromBase64 } from './log-key.ts';

/**
 * A signed checkpoint (signed tree head): the log's size and root hash at a moment, signed with the
 * log key, to be exported and kept elsewhere. Later, `missive archive verify --checkpoint FILE` proves
 * the current log still contains exactly that tree as its prefix. Format (JSON, one object):
 *
 *   { "format": "missive-checkpoint/1", "log": "archive", "size": 1234, "rootHash": "<64 hex>",
 *     "time": "<ISO-8601 UTC>", "keyId": "<16 hex>", "publicKey": "<base64 raw Ed25519>",
 *     "signature": "<base64 Ed25519 signature>" }
 *
 * The signature covers the UTF-8 text "missive-checkpoint/1\n<log>\n<size>\n<rootHash>\n<time>\n"
 * (the note-style body of C2SP tlog-checkpoint, so it can be checked with any Ed25519 tool).
 */

export const CHECKPOINT_FORMAT = 'missive-checkpoint/1';

export interface TreeHeadClaim {
  log: string;
  size: number;
  rootHash: string;
  time: string;
}

const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  log: z
    .string()
    .min(1)
    .regex(/^[^\n]+$/),
  size: z.number().int().min(0),
  rootHash: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.string().datetime(),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  publicKey: z.string().min(1),
  signature: z.string().min(1),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;

export function checkpointBody(claim: TreeHeadClaim): string {
  return `${CHECKPOINT_FORMAT}\n${claim.log}\n${claim.size}\n${claim.rootHash}\n${claim.time}\n`;
}

export function signCheckpoint(key: LogKey, claim: TreeHeadClaim): Checkpoint {
  const signature = sign(null, Buffer.from(checkpointBody(claim)), key.privateKey).toString('base64');
  return {
    format: CHECKPOINT_FORMAT,
    ...claim,
    keyId: key.keyId,
    publicKey: key.publicKeyBase64,
    signature,
  };
}

/** A checkpoint as the JSON text it is published as (two-space indent, final newline). */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  return `${JSON.stringify(checkpoint, null, 2)}\n`;
}

/** Parses a checkpoint file's text; every problem named. */
export function parseCheckpoint(text: string, file = 'checkpoint'): Checkpoint {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new MissiveError('MSV_ARCHIVE_CHECKPOINT_INVALID', `${file} is not JSON`, { file }, { cause });
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MissiveError('MSV_ARCHIVE_CHECKPOINT_INVALID', `${file}: ${problems.join('; ')}`, { file });
  }
  return parsed.data;
}

/**
 * Checks the signature against the trusted key (the log key's public half), not the key the file
 * carries: a forger can put any key in the file. Throws MSV_ARCHIVE_CHECKPOINT_INVALID.
 */
export function assertCheckpointSignature(checkpoint: Checkpoint, trustedPublicKeyBase64: string): void {
  const raw = Buffer.from(trustedPublicKeyBase64, 'base64');
  if (checkpoint.publicKey !== trustedPublicKeyBase64 || checkpoint.keyId !== keyIdOf(raw)) {
    throw new MissiveError(
      'MSV_ARCHIVE_CHECKPOINT_INVALID',
      `checkpoint was signed by key ${checkpoint.keyId}, not by this log's key ${keyIdOf(raw)}`,
    );
  }
  const ok = verify(
    null,
    Buffer.from(checkpointBody(checkpoint)),
    publicKeyFromBase64(trustedPublicKeyBase64),
    Buffer.from(checkpoint.signature, 'base64'),
  );
  if (!ok) {
    throw new MissiveError(
      'MSV_ARCHIVE_CHECKPOINT_INVALID',
      'checkpoint signature does not verify: the file was altered after signing',
    );
  }
}
