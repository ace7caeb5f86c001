import { describe, expect, it } from 'vitest';
import { createProgressBar, estimateRows, formatProgress, type ProgressState } from './progress-bar.ts';

function sink(isTTY = false) {
  const lines: string[] = [];
  let text = '';
  const stream = {
    isTTY,
    columns: 160,
    write(chunk: string) {
      text += chunk;
      lines.push(...chunk.split('\n').filter(Boolean));
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { stream, lines, text: () => text };
}

const base: ProgressState = {
  label: 'rendering',
  unit: 'documents',
  done: 0,
  total: 500,
  estimated: false,
  extra: { failed: 0 },
  startedAt: 0,
  doneAtStart: 0,
  now: 0,
  final: false,
};

describe('progress', () => {
  it('shows no rate in the first second and no ETA until 3 s and 5 % are behind it', () => {
    expect(formatProgress({ ...base, done: 10, now: 500 })).toBe(
      'rendering 10/500 documents (2%) | — documents/s | failed 0',
    );
    // 2 s in: a rate, but an ETA would be a guess
    expect(formatProgress({ ...base, done: 100, now: 2_000 })).toBe(
      'rendering 100/500 documents (20%) | 50.0 documents/s | failed 0',
    );
    // 4 s in, 2 % done: still a guess
    expect(formatProgress({ ...base, done: 10, now: 4_000 })).not.toMatch(/ETA/);
    expect(formatProgress({ ...base, done: 200, now: 4_000 })).toBe(
      'rendering 200/500 documents (40%) | 50.0 documents/s | ETA 6 s | failed 0',
    );
    expect(formatProgress({ ...base, total: 100_000, done: 6_000, now: 60_000 })).toMatch(/ETA 15 min 40 s/);
  });

  it('never prints NaN or Infinity, whatever it is given', () => {
    const odd = [
      { ...base, total: 0 },
      { ...base, total: undefined },
      { ...base, done: 0, now: 10_000 },
      { ...base, done: 5, doneAtStart: 5, now: 10_000 },
    ];
    for (const s of odd) expect(formatProgress(s)).not.toMatch(/NaN|Infinity|undefined/);
    expect(formatProgress({ ...base, total: undefined, done: 3 })).toMatch(/^rendering 3\/\? documents \|/);
  });

  it('marks an estimated total and ends with the time taken', () => {
    expect(
      formatProgress({
        ...base,
        unit: 'rows',
        label: 'importing',
        total: 480,
        estimated: true,
        done: 100,
        extra: {},
      }),
    ).toBe('importing 100/~480 rows (20%) | — rows/s');
    expect(formatProgress({ ...base, done: 500, now: 4_000, final: true })).toBe(
      'rendering 500/500 documents (100%) | 125.0 documents/s | 4.0 s | failed 0',
    );
  });

  it('estimates rows from the bytes read until the file is read to its end', () => {
    expect(estimateRows({ rows: 0, bytesRead: 0, totalBytes: 1000 })).toEqual({
      total: undefined,
      estimated: true,
    });
    expect(estimateRows({ rows: 50, bytesRead: 250, totalBytes: 1000 })).toEqual({
      total: 200,
      estimated: true,
    });
    expect(estimateRows({ rows: 199, bytesRead: 1000, totalBytes: 1000 })).toEqual({
      total: 199,
      estimated: false,
    });
  });

  it('without a terminal: a line every 10 s, and always the final count', () => {
    let now = 0;
    const out = sink();
    const bar = createProgressBar({
      label: 'rendering',
      unit: 'documents',
      tty: false,
      stream: out.stream,
      now: () => now,
    });
    for (let done = 0; done <= 450; done += 50) {
      bar.update(done, 500, { failed: 0 });
      now += 2_500; // 4 updates per 10 s
    }
    bar.finish(500, 500, { failed: 0 });
    bar.finish(500, 500, { failed: 0 }); // once only
    bar.stop();
    expect(out.lines).toEqual([
      'rendering 200/500 documents (40%) | 20.0 documents/s | ETA 15 s | failed 0',
      'rendering 400/500 documents (80%) | 20.0 documents/s | ETA 5 s | failed 0',
      'rendering 500/500 documents (100%) | 20.0 documents/s | 25.0 s | failed 0',
    ]);
  });

  it('a short job prints only its final line; stop() ends at the last count given', () => {
    let now = 0;
    const out = sink();
    const bar = createProgressBar({
      label: 'importing',
      unit: 'rows',
      tty: false,
      stream: out.stream,
      now: () => now,
    });
    bar.update(120, 480, { rejected: 1 }, true);
    now = 1_000;
    bar.stop();
    expect(out.lines).toEqual(['importing 120/~480 rows (25%) | 0.0 rows/s | 1.0 s | rejected 1']);
  });

  it('in a terminal: a bar redrawn in place, ending at the final count on its own line', async () => {
    const out = sink(true);
    const bar = createProgressBar({ label: 'rendering', unit: 'documents', tty: true, stream: out.stream });
    bar.update(0, 4, { failed: 0 });
    bar.finish(4, 4, { failed: 0 });
    const drawn = out
      .text()
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes of the terminal
      .replace(/\u001b(\[[0-9;?]*[A-Za-z]|[78])/g, '\n')
      .split(/\r|\n/)
      .filter((l) => l.startsWith('rendering'));
    expect(drawn[0]).toMatch(/^rendering \[░+\] 0\/4 documents \(0%\)/);
    expect(drawn.at(-1)).toMatch(/^rendering \[█+\] 4\/4 documents \(100%\) \| .* \| failed 0$/);
    expect(out.text()).not.toMatch(/NaN|Infinity/);
  });
});
