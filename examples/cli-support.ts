import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WrittenFeed } from './feed-writer.ts';

/** Small helpers shared by the example generators' command lines. */

/** A mistake in the command line (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Whether the module at `url` is the script node was started with. */
export function isMain(url: string): boolean {
  const script = process.argv[1];
  return script !== undefined && url === pathToFileURL(path.resolve(script)).href;
}

/** A calendar date YYYY-MM-DD, or an Error saying what is wrong. */
export function checkAsOf(asOf: string | undefined): string {
  if (asOf === undefined)
    throw new UsageError('--as-of YYYY-MM-DD is required (the period the extracts are for)');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !date?.toISOString().startsWith(asOf))
    throw new UsageError(`--as-of ${asOf}: not a calendar date YYYY-MM-DD`);
  return asOf;
}

/** A whole number ≥ 1 from an option, or an Error naming it. */
export function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`--${name} ${value}: a whole number ≥ 1`);
  return Number(value);
}

/** The files written, then the commands that load them, in the order their parents need. */
export function describeFeeds(files: readonly WrittenFeed[], asOf: string): string {
  const lines = files.map(
    (f) =>
      `  ${f.datasource} ${f.feed}: ${f.rows.toLocaleString('en-GB')} rows → ${path.relative('.', f.file)}`,
  );
  const loads = files.map(
    (f) => `  missive feeds load ${f.datasource} ${f.feed} ${path.relative('.', f.file)} --as-of ${asOf}`,
  );
  return `${lines.join('\n')}\nload them with:\n${loads.join('\n')}\n`;
}

/** Runs a command-line main: an Error's message to stderr and exit code 2 (bad usage) or 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  });
}
