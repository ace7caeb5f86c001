import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MissiveError } from '../core/errors.ts';

/**
 * One PDF page as a PNG: poppler's `pdftoppm` (Debian poppler-utils) rasterises it (the PDF in on
 * stdin, the pixels out on stdout, nothing touches the disk) and sharp encodes the PNG
 * (rgb-image.ts says why not pdftoppm's own). Default 60 dpi, an A4 page ≈ 500×700 px.
 */
export function pdfPageToPng(pdf: Uint8Array, page: number, dpi = 60): Promise<Buffer> {
  return rasterise(pdf, page, dpi, 'png');
}

/** The same page as a binary PPM (P6): raw RGB, what the pixel diff reads without a PNG decoder. */
export function pdfPageToPpm(pdf: Uint8Array, page: number, dpi = 60): Promise<Buffer> {
  return rasterise(pdf, page, dpi, 'ppm');
}

const HELPER = fileURLToPath(new URL('./pdftoppm-helper.mjs', import.meta.url));

type Reply = { id: number; image: Uint8Array } | { id: number; failure: 'start' | 'failed'; detail: string };
interface Pending {
  page: number;
  resolve: (image: Buffer) => void;
  reject: (err: MissiveError) => void;
}

/**
 * pdftoppm runs in a small child (pdftoppm-helper.mjs says why: spawning it from this process blocked
 * the event loop 15–40 ms per page, fork's cost growing with this process's memory). Hand-written
 * rather than a process pool library: one child, one message type, started on first use and again
 * after it dies; it holds the event loop only while a page is asked for.
 */
let helper: ChildProcess | undefined;
const pending = new Map<number, Pending>();
let nextId = 0;

function failure(page: number, kind: 'start' | 'failed', detail: string): MissiveError {
  return kind === 'start'
    ? new MissiveError('MSV_RENDER_FAILED', `pdftoppm could not start: ${detail}`, { tool: 'pdftoppm' })
    : new MissiveError('MSV_RENDER_FAILED', `pdftoppm failed on page ${page}: ${detail}`, {
        tool: 'pdftoppm',
        page,
      });
}

function startHelper(): ChildProcess {
  const child = fork(HELPER, [], {
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const gone = (detail: string) => {
    if (helper === child) helper = undefined;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(failure(p.page, 'start', detail));
    }
  };
  child.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (pending.size === 0) child.channel?.unref();
    if ('image' in reply)
      p.resolve(Buffer.from(reply.image.buffer, reply.image.byteOffset, reply.image.byteLength));
    else p.reject(failure(p.page, reply.failure, reply.detail));
  });
  child.on('error', (e) => gone(`rasteriser child: ${e.message}`));
  child.on('exit', (code, signal) => gone(`rasteriser child exited (${signal ?? code})`));
  child.unref();
  return child;
}

function rasterise(pdf: Uint8Array, page: number, dpi: number, format: 'png' | 'ppm'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    helper ??= startHelper();
    const id = nextId++;
    pending.set(id, { page, resolve, reject });
    helper.channel?.ref();
    helper.send({ id, pdf: withoutSrgbIntent(pdf), page, dpi, format }, (err) => {
      if (err && pending.delete(id)) reject(failure(page, 'start', `rasteriser child: ${err.message}`));
    });
  });
}

const INTENTS = '/OutputIntents';
const SRGB_INTENT =
  /\/Type \/OutputIntent \/S \/GTS_PDFA1 .*?\/OutputConditionIdentifier \(sRGB IEC61966-2\.1\)/;

/**
 * The PDF as pdftoppm is given it. Our documents are PDF/A with an sRGB output intent, and poppler
 * builds lcms colour transforms for an output intent: half of pdftoppm's CPU on a statement page
 * (`perf`: 45 % in cmsReverseToneCurveEx; 40 → 20 ms user per page), while sRGB into the sRGB image it
 * writes changes no pixel — every page of the shipped templates with sample data, en-GB and zh-CN, at
 * 96, 150 and 192 dpi (60 pages), rasterised to the same bytes without the intent. So when the only
 * output intent is that sRGB one, the catalog's /OutputIntents key is renamed in a copy (same length:
 * every offset stays right) and poppler ignores it. The stored document is not touched.
 */
export function withoutSrgbIntent(pdf: Uint8Array): Uint8Array {
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const at = bytes.indexOf(INTENTS, 0, 'latin1');
  if (at < 0 || bytes.indexOf(INTENTS, at + 1, 'latin1') >= 0) return pdf;
  const intents = bytes.toString('latin1').match(/\/Type \/OutputIntent\b[^>]*/g) ?? [];
  if (intents.length !== 1 || !SRGB_INTENT.test(intents[0] ?? '')) return pdf;
  const copy = Buffer.from(bytes);
  copy.write('/OutputIntentX', at, 'latin1');
  return copy;
}
