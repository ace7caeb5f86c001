import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

/** Loaded only when used: by an SMS send, the local sinks, an S3 archive, a print file. */
const LOADED_WHEN_USED = ['twilio', 'mailparser', 'smtp-server', '@aws-sdk/client-s3', 'pdf-lib'];

/** What every run and worker starts with: each of these files is imported in turn. */
const ENTRIES = ['src/batch/heavy.ts', 'src/cli/commands/run.ts', 'src/cli/commands/worker.ts'];

/**
 * The child: a resolve hook (every ES import, through tsx) writes each resolved URL to a file, and
 * CommonJS `require`s are read from Module._cache; after each entry it prints the packages (the
 * folder under node_modules) loaded so far.
 */
const HOOK = `import fs from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  fs.appendFileSync(process.env.MISSIVE_TEST_RESOLVED, resolved.url + '\\n');
  return resolved;
}`;
const CHILD = `import fs from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));
const packages = () => {
  const urls = [
    ...fs.readFileSync(process.env.MISSIVE_TEST_RESOLVED, 'utf8').split('\\n'),
    ...Object.keys(Module._cache).map((f) => pathToFileURL(f).href),
  ];
  const found = new Set();
  for (const url of urls) {
    const m = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url);
    if (m) found.add(m[1]);
  }
  return [...found].sort();
};
const loaded = {};
for (const entry of ${JSON.stringify(ENTRIES)}) {
  await import(pathToFileURL(entry).href);
  loaded[entry] = packages();
}
console.log(JSON.stringify(loaded));`;

/**
 * Start-up (bench/README.md, "Start-up: channels and stores loaded when used"): the Twilio SDK, the
 * local sinks' smtp-server and mailparser, the AWS SDK and pdf-lib cost ~0.4 s of imports that every
 * run, worker and `missive run --help` paid whether it used them or not. This pins that the batch
 * stage and the run and worker commands import none of them; which packages load, not how fast.
 */
describe('what starting a run or a worker loads', () => {
  let dir: string;
  let loaded: Record<string, string[]>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-start-up-'));
    const resolvedFile = path.join(dir, 'resolved.txt');
    fs.writeFileSync(resolvedFile, '');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', CHILD],
      {
        cwd: root,
        env: { ...process.env, MISSIVE_TEST_RESOLVED: resolvedFile, MISSIVE_LOG_LEVEL: 'silent' },
        maxBuffer: 8 * 1024 * 1024,
      },
    );
    loaded = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, string[]>;
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(ENTRIES)('%s loads BullMQ and Kysely but not the SMS SDK, the sinks, S3 or pdf-lib', (entry) => {
    // The probe sees packages at all: what a run needs is there.
    expect(loaded[entry]).toEqual(expect.arrayContaining(['bullmq', 'kysely']));
    expect(loaded[entry]!.filter((p) => LOADED_WHEN_USED.includes(p))).toEqual([]);
  });
});
