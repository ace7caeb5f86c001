import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

const run = promisify(execFile);

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

/**
 * Issue 18: the API's OpenAPI description (GET /docs/json) lints clean with @redocly/cli's
 * recommended rules — an operationId, a summary and documented 4xx responses on every operation,
 * a servers entry — with zero errors and zero warnings.
 */
describe('the OpenAPI description', () => {
  let temp: TempStore;
  let file: string;
  let openapi: {
    paths: Record<
      string,
      Record<string, { operationId?: string; summary?: string; responses?: Record<string, unknown> }>
    >;
  };

  beforeAll(async () => {
    temp = await openTempStore('openapi-lint');
    const app = buildApp({
      db: temp.store.db,
      blobs: createFsBlobStore(path.join(temp.dir, 'archive')),
      datasourcesDir: path.join(ROOT, 'datasources'),
    });
    await app.ready();
    openapi = (await app.inject({ url: '/docs/json' })).json();
    await app.close();
    file = path.join(temp.dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(openapi));
  });
  afterAll(async () => {
    await temp?.close();
  });

  it('lints clean with @redocly/cli (recommended rules): no errors, no warnings', async () => {
    const redocly = path.join(ROOT, 'node_modules', '.bin', 'redocly');
    const out = await run(redocly, ['lint', file, '--format=json', '--max-problems=500'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    const report = JSON.parse(out.stdout.slice(out.stdout.indexOf('{'))) as { problems: LintProblem[] };
    const problems = report.problems.map(
      (p) => `${p.severity} ${p.ruleId}: ${p.message} ${p.location[0]?.pointer}`,
    );
    console.log(
      `redocly lint: ${problems.length} problem(s) over ${Object.keys(openapi.paths).length} paths`,
    );
    expect(problems).toEqual([]);
  }, 60_000);

  it('every operation has a unique operationId, a summary and its error responses', () => {
    const ids = new Set<string>();
    for (const [p, operations] of Object.entries(openapi.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        expect(op.operationId, `${method} ${p}`).toMatch(/^[a-z]+[A-Za-z]*$/);
        expect(ids.has(op.operationId!), `${op.operationId} twice`).toBe(false);
        ids.add(op.operationId!);
        expect(op.summary, `${method} ${p}`).toBeTruthy();
        expect(Object.keys(op.responses ?? {}), `${method} ${p}`).toEqual(
          expect.arrayContaining(['400', '401', '403', '404', '429', '500']),
        );
      }
    }
    expect(ids.size).toBeGreaterThan(30);
  });
});
