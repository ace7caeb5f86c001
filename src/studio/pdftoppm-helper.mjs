// Rasterises PDF pages for the studio (pdf-png.ts), in a small long-lived child of the server.
// Why a child: Node starts every process with fork(), whose cost grows with the forking process's
// memory. From the API server (~450 MB resident with MJML, fonts and pdfkit loaded) one spawn of
// pdftoppm blocked its event loop 15–40 ms (up to 140 ms under load), twice per canvas refresh;
// from this process (~50 MB) it is ~3 ms and blocks nobody else. The page is also encoded here
// (sharp), so neither the pixels nor the encoding pass through the server.
// Plain JavaScript, no imports from the project: it must start fast and run from src/ or dist/.
// Protocol (IPC, advanced serialization): { id, pdf: Uint8Array, page, dpi, format: 'png' | 'ppm' }
// → { id, image: Uint8Array } or { id, failure: 'start' | 'failed', detail }. It exits with its parent.
import { spawn } from 'node:child_process';

/** The PNG options of rgb-image.ts's encodePng (kept equal: the same page gives the same bytes). */
const PNG = { compressionLevel: 3, adaptiveFiltering: false };

let sharpModule;
const sharp = async () => {
  sharpModule ??= (await import('sharp')).default;
  return sharpModule;
};

/** The page as a binary PPM (P6) from pdftoppm: the PDF on stdin, the pixels on stdout. */
function rasterise(pdf, page, dpi) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'pdftoppm',
      ['-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', '-'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', (e) => reject({ failure: 'start', detail: e.message }));
    child.on('close', (code) => {
      const image = Buffer.concat(out);
      if (code === 0 && image.length > 0) resolve(image);
      else reject({ failure: 'failed', detail: Buffer.concat(err).toString().trim() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(pdf);
  });
}

/** P6 header → raw RGB for sharp (rgb-image.ts's parsePpm checks the same). */
async function toPng(ppm) {
  const match = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 64).toString('latin1'));
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  const data = ppm.subarray(match?.[0].length ?? 0);
  if (!match || data.length < width * height * 3)
    throw { failure: 'failed', detail: 'pdftoppm wrote no 8-bit binary PPM (P6)' };
  const encode = await sharp();
  return encode(data.subarray(0, width * height * 3), { raw: { width, height, channels: 3 } })
    .png(PNG)
    .toBuffer();
}

process.on('message', async ({ id, pdf, page, dpi, format }) => {
  try {
    const ppm = await rasterise(pdf, page, dpi);
    const image = format === 'png' ? await toPng(ppm) : ppm;
    process.send?.({ id, image });
  } catch (e) {
    const failure = e?.failure ?? 'failed';
    process.send?.({ id, failure, detail: e?.detail ?? String(e?.message ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
