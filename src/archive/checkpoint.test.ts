import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertCheckpointSignature,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.ts';
import { loadOrCreateLogKey } from './log-key.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-key-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('signed checkpoints', () => {
  const file = path.join(dir, 'keys', 'log.pem');
  const key = loadOrCreateLogKey(file);
  const claim = { log: 'archive', size: 7, rootHash: 'ab'.repeat(32), time: '2026-11-23T18:00:00.000Z' };

  it('creates the key once, private to its owner, and loads the same key again', () => {
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(loadOrCreateLogKey(file).publicKeyBase64).toBe(key.publicKeyBase64);
  });

  it('round-trips through its text format and verifies', () => {
    const text = formatCheckpoint(signCheckpoint(key, claim));
    const parsed = parseCheckpoint(text);
    expect(parsed).toMatchObject(claim);
    expect(() => assertCheckpointSignature(parsed, key.publicKeyBase64)).not.toThrow();
  });

  it('rejects an altered size, a forged key and malformed files', () => {
    const cp = signCheckpoint(key, claim);
    expect(() => assertCheckpointSignature({ ...cp, size: 6 }, key.publicKeyBase64)).toThrow(/altered/);
    const other = loadOrCreateLogKey(path.join(dir, 'other.pem'));
    const forged = signCheckpoint(other, claim);
    expect(() => assertCheckpointSignature(forged, key.publicKeyBase64)).toThrow(/not by this log's key/);
    expect(() => parseCheckpoint('{')).toThrow(/not JSON/);
    expect(() => parseCheckpoint(JSON.stringify({ ...cp, rootHash: 'xyz', size: -1 }))).toThrow(
      /rootHash.*size|size.*rootHash/,
    );
  });
});
