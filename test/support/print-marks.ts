import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_DATAMATRIX_MARK } from '../../src/channels/print-stream/datamatrix-mark.ts';

/** Reading print files as the print house would: poppler's pdfinfo/pdftoppm, qpdf, dmtxread (libdmtx). */
const exec = promisify(execFile);

export async function pdfPageCount(file: string): Promise<number> {
  const { stdout } = await exec('pdfinfo', [file]);
  return Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1]);
}

/** `qpdf --check` of each file, two at a time; its output per file. */
export async function qpdfCheck(files: readonly string[]): Promise<string[]> {
  return inParallel(files, 2, async (file) => {
    const { stdout } = await exec('qpdf', ['--check', file], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  });
}

/** Runs `fn` on every item, `width` at a time (the machine has two cores). */
async function inParallel<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

const DPI = 200;
const px = (mm: number) => Math.round((mm / 25.4) * DPI);

/**
 * The DataMatrix text on each of `pages` (1-based) of a PDF: only the mark's corner of each page is
 * rasterised (pdftoppm -x/-y/-W/-H at 200 dpi, grey), then decoded with dmtxread, in two lanes.
 * A page whose mark does not decode is missing from the map. `oddOnly`: rasterise only odd pages
 * (in duplex every sheet's front is an odd page of the file), half the work.
 */
export async function decodeMarks(
  file: string,
  pages: readonly number[],
  options: { oddOnly?: boolean } = {},
): Promise<Map<number, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-marks-'));
  try {
    const m = DEFAULT_DATAMATRIX_MARK;
    const crop = ['-x', px(m.left - 2), '-y', px(m.top - 2), '-W', px(16), '-H', px(16)].map(String);
    const last = Math.max(...pages);
    const half = Math.ceil(last / 2);
    const ranges = [
      [1, half],
      [half + 1, last],
    ].filter(([f, l]) => f! <= l!);
    await inParallel(ranges, 2, ([f, l]) =>
      exec('pdftoppm', [
        '-r',
        String(DPI),
        ...crop,
        '-gray',
        ...(options.oddOnly ? ['-o'] : []),
        '-f',
        String(f),
        '-l',
        String(l),
        file,
        path.join(dir, 'p'),
      ]),
    );
    const byPage = new Map(
      fs.readdirSync(dir).map((name) => [Number(/-(\d+)\.pgm$/.exec(name)?.[1]), path.join(dir, name)]),
    );
    const wanted = pages.map((p) => ({ page: p, image: byPage.get(p)! }));
    const batches: (typeof wanted)[] = [];
    for (let i = 0; i < wanted.length; i += 300) batches.push(wanted.slice(i, i + 300));
    const decoded = new Map<number, string>();
    await inParallel(batches, 2, async (batch) => {
      const lines = await dmtx(batch.map((b) => b.image));
      // One line per image when every image decodes; otherwise decode one at a time to know which.
      if (lines.length === batch.length) for (const [i, b] of batch.entries()) decoded.set(b.page, lines[i]!);
      else
        for (const b of batch) {
          const [line] = await dmtx([b.image]);
          if (line !== undefined) decoded.set(b.page, line);
        }
    });
    return decoded;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function dmtx(images: readonly string[]): Promise<string[]> {
  const { stdout } = await exec('dmtxread', ['-n', '-N1', '-m', '2000', ...images], {
    maxBuffer: 16 * 1024 * 1024,
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  return stdout.split('\n').filter((l) => l !== '');
}
