import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

/** `missive offers lint|publish|list` and `missive decide` as a person runs them. */
describe('the rules commands', () => {
  let dataDir: string;
  const missive = (...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, MISSIVE_DATA_DIR: dataDir, MISSIVE_LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    return run('node', [path.join(root, 'bin', 'missive.js'), ...args], { env, cwd: dataDir });
  };

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-rules-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('lints, publishes and lists the shipped catalogs, then decides for a customer with reasons', async () => {
    const bank = path.join(root, 'catalogs', 'bank');
    expect((await missive('offers', 'lint', bank)).stdout).toContain('bank: 8 offers');
    expect((await missive('offers', 'publish', bank)).stdout).toMatch(
      /published bank@[0-9a-f]{12} \(version 1\)/,
    );
    expect((await missive('offers', 'publish', bank)).stdout).toContain('unchanged');
    expect((await missive('offers', 'list')).stdout).toMatch(/bank@\w+ {2}bank v1/);
    await missive(
      'customers',
      'import',
      path.join(root, 'examples', 'customers-sample.csv'),
      '--mapping',
      path.join(root, 'examples', 'bank-marketing', 'mapping.json'),
    );
    const args = [
      'decide',
      '--customer',
      '4',
      '--type',
      'monthly-statement',
      '--as-of',
      '2026-10-31',
      '--now',
      '2026-11-23T10:00:00Z',
    ];
    const text = (await missive(...args)).stdout;
    expect(text).toContain('decision for customer 4 — monthly-statement (service) as of 2026-10-31');
    expect(text).toMatch(/channel (print|email): /);
    expect(text).toContain('offers not chosen:');
    const json = JSON.parse((await missive(...args, '--json')).stdout) as {
      customerId: string;
      seed: string;
    };
    expect(json.customerId).toBe('4');
    expect(JSON.parse((await missive(...args, '--json')).stdout)).toEqual(json);
  });

  it('names a broken rule with its offer id and path, exit code 1', async () => {
    const broken = path.join(dataDir, 'broken');
    fs.cpSync(path.join(root, 'catalogs', 'telecom'), broken, { recursive: true });
    const file = path.join(broken, 'offers', 'add-ons.yaml');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('{ var: highRoamer }', '{ var: highRomer }'),
    );
    const err = await missive('offers', 'lint', broken).then(
      () => expect.unreachable('lint should fail'),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(err.code).toBe(1);
    expect(err.stdout).toContain('offers/add-ons.yaml roaming-bundle at eligibility.and[0].var');
    expect(err.stderr).toContain('MSV_RULES_UNKNOWN_VARIABLE');
  });
});
