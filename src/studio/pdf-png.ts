import { spawn } from 'node:child_process';
import { MissiveError } from '../core/errors.ts';
import { encodePng, parsePpm } from './rgb-image.ts';

/**
 * One PDF page as a PNG: poppler's `pdftoppm` (Debian poppler-utils) rasterises it (the PDF in on
 * stdin, the pixels out on stdout, nothing touches the disk) and sharp encodes the PNG
 * (rgb-image.ts says why not pdftoppm's own). Default 60 dpi, an A4 page ≈ 500×700 px.
 */
export async function pdfPageToPng(pdf: Uint8Array, page: number, dpi = 60): Promise<Buffer> {
  return encodePng(parsePpm(await pdfPageToPpm(pdf, page, dpi)));
}

/** The same page as a binary PPM (P6): raw RGB, what the pixel diff reads without a PNG decoder. */
export function pdfPageToPpm(pdf: Uint8Array, page: number, dpi = 60): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'pdftoppm',
      ['-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', '-'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) =>
      reject(
        new MissiveError('MSV_RENDER_FAILED', `pdftoppm could not start: ${e.message}`, { tool: 'pdftoppm' }),
      ),
    );
    child.on('close', (code) => {
      const image = Buffer.concat(out);
      if (code === 0 && image.length > 0) resolve(image);
      else
        reject(
          new MissiveError(
            'MSV_RENDER_FAILED',
            `pdftoppm failed on page ${page}: ${Buffer.concat(err).toString().trim()}`,
            {
              tool: 'pdftoppm',
              page,
            },
          ),
        );
    });
    child.stdin.on('error', () => {});
    child.stdin.end(pdf);
  });
}
