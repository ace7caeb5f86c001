import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStaleSource } from '../bin/dist-freshness.mjs';

/**
 * The import rules of src/ (issue 23: .dependency-cruiser.cjs, .dependency-cruiser-light.cjs) refuse what
 * they are for. A copy of src/ gets one wrong-way import, one import past a stage's entry point, one cycle
 * and a heavy module in a light entry point; `npm run lint:deps` (part of `npm run lint`, `npm test` and
 * `npm run check`) must fail and name each.
 */
const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const { LAYERS, HEAVY_PACKAGES } = createRequire(import.meta.url)('../.dependency-cruiser-layers.cjs') as {
  LAYERS: string[][];
  HEAVY_PACKAGES: string[];
};

interface Outcome {
  code: number;
  output: string;
}

async function inCopy(cmd: string, args: string[], cwd: string): Promise<Outcome> {
  try {
    const r = await run(cmd, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: r.stdout + r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('import rules of src/', () => {
  let dir = '';
  const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-deps-'));
    fs.cpSync(path.join(root, 'src'), path.join(dir, 'src'), { recursive: true });
    for (const file of [
      'package.json',
      'tsconfig.json',
      '.dependency-cruiser.cjs',
      '.dependency-cruiser-light.cjs',
      '.dependency-cruiser-layers.cjs',
    ]) {
      fs.copyFileSync(path.join(root, file), path.join(dir, file));
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    // A wrong-way import: the store (layer 1) uses rules (layer 3).
    write(
      'src/store/wrong-way.ts',
      "import { decide } from '../rules/index.ts';\n\nexport const x = decide;\n",
    );
    // Past the entry point: rules reach into a store file instead of store/index.ts.
    write(
      'src/rules/past-the-index.ts',
      "import { openStore } from '../store/db.ts';\n\nexport const y = openStore;\n",
    );
    // A cycle.
    write(
      'src/core/cycle-a.ts',
      "import { b } from './cycle-b.ts';\n\nexport const a = (): number => b();\n",
    );
    write(
      'src/core/cycle-b.ts',
      "import { a } from './cycle-a.ts';\n\nexport const b = (): number => a();\n",
    );
    // A heavy module (pdfkit, through render-channel.ts) in render's light entry point.
    fs.appendFileSync(
      path.join(dir, 'src/render/index.ts'),
      "export { renderChannel as heavyOne } from './render-channel.ts';\n",
    );
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('npm run lint:deps refuses a wrong-way import, an import past an entry point and a cycle', async () => {
    const { code, output } = await inCopy('npm', ['run', '--silent', 'lint:deps'], dir);
    expect(code).not.toBe(0);
    expect(output).toMatch(/layer-store: src\/store\/wrong-way\.ts → src\/rules\/index\.ts/);
    expect(output).toMatch(/stage-entry-point: src\/rules\/past-the-index\.ts → src\/store\/db\.ts/);
    expect(output).toMatch(/no-circular: src\/core\/cycle-[ab]\.ts/);
  }, 180_000);

  it('the start-up guard refuses a heavy module in a light entry point', async () => {
    const bin = path.join(root, 'node_modules', '.bin', 'depcruise');
    const args = ['src/render/index.ts', '--config', '.dependency-cruiser-light.cjs', '--output-type', 'err'];
    const { code, output } = await inCopy(bin, args, dir);
    expect(code).not.toBe(0);
    expect(output).toMatch(
      /light-entry: src\/render\/index\.ts → \S*node_modules\/(pdfkit|fontkit|bwip-js)\//,
    );
  }, 180_000);

  it('no stage index.ts loads a heavy package when it runs (a require() the check above cannot see)', async () => {
    // templates/mjml.ts loads MJML with createRequire, which dependency-cruiser does not follow: import
    // each entry point in a process of its own and look at what CommonJS loaded.
    const probe = [
      "import { createRequire } from 'node:module';",
      'await import(process.argv[1]);',
      `const heavy = /node_modules\\/(${HEAVY_PACKAGES.join('|')})\\//;`,
      'const loaded = Object.keys(createRequire(import.meta.url).cache).map((k) => heavy.exec(k)?.[1]);',
      'console.log(JSON.stringify([...new Set(loaded.filter(Boolean))]));',
    ].join('\n');
    // The compiled entry points when dist/ is current with src/ (npm test's bootstrap builds it): the
    // same imports, without tsx compiling each stage's whole tree again in each of ~15 processes (34 s of
    // this file's 60 s at load 10); the sources through tsx otherwise.
    const compiled = !findStaleSource(root).stale;
    const stages = fs
      .readdirSync(path.join(root, 'src'))
      .filter((stage) => fs.existsSync(path.join(root, 'src', stage, 'index.ts')));
    const loaded = await Promise.all(
      stages.map(async (stage) => {
        const entry = compiled
          ? path.join(root, 'dist', stage, 'index.js')
          : path.join(root, 'src', stage, 'index.ts');
        const args = [...(compiled ? [] : ['--import', 'tsx']), '--input-type=module', '-e', probe, entry];
        const { code, output } = await inCopy(process.execPath, args, root);
        expect(code, output).toBe(0);
        return [stage, JSON.parse(output.trim().split('\n').at(-1) ?? '[]') as string[]] as const;
      }),
    );
    expect(loaded.filter(([, packages]) => packages.length > 0)).toEqual([]);
  }, 180_000);

  it('docs/ARCHITECTURE.md "Layers" lists the enforced order, top layer first', () => {
    const doc = fs.readFileSync(path.join(root, 'docs', 'ARCHITECTURE.md'), 'utf8');
    const block = /## Layers\n[\s\S]*?```text\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const documented = block
      .trim()
      .split('\n')
      .map((line) =>
        line
          .replace(/\s+#.*$/, '')
          .split('·')
          .map((s) => s.trim()),
      );
    expect(documented).toEqual([...LAYERS].reverse());
  });
});
