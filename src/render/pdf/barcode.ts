import bwipjs from 'bwip-js';
import { MissiveError } from '../../core/errors.ts';

/** A 2-D code as a square matrix of modules, row by row (1 = dark), quiet zone not included. */
export interface Matrix {
  readonly columns: number;
  readonly rows: number;
  readonly dark: readonly number[];
}

/** A linear code as alternating bar/space widths in modules, starting with a bar. */
export interface Bars {
  readonly widths: readonly number[];
  readonly modules: number;
}

interface RawMatrix {
  pixs: number[];
  pixx: number;
  pixy: number;
}
interface RawBars {
  sbs: number[];
}

function fail(symbology: string, field: string, error: unknown): never {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  throw new MissiveError(
    'MSV_RENDER_BARCODE_INVALID',
    `print.yaml ${field}: the value cannot be encoded as ${symbology}: ${reason}`,
    { file: 'print.yaml', field, symbology },
    { cause: error },
  );
}

/**
 * Encodes a QR code or DataMatrix with bwip-js's raw encoder (pure and synchronous: the same text
 * gives the same modules), so the PDF gets vector squares rather than a bitmap.
 */
export function encodeMatrix(
  symbology: 'qrcode' | 'datamatrix',
  text: string,
  errorCorrection: string,
  field: string,
): Matrix {
  const key = `${symbology}\u0000${errorCorrection}\u0000${text}`;
  let matrix = recentMatrices.get(key);
  if (!matrix) {
    matrix = encodeMatrixNow(symbology, text, errorCorrection, field);
    recentMatrices.set(key, matrix);
    if (recentMatrices.size > RECENT_MATRICES_MAX) recentMatrices.delete(recentMatrices.keys().next().value!);
  }
  return matrix;
}

/**
 * The last symbols encoded, by what decides them: a QR code takes bwip-js ~30 ms, and a studio
 * preview or canvas renders the same sample's code on every edit. A run's codes differ per customer,
 * so few are kept.
 */
const recentMatrices = new Map<string, Matrix>();
const RECENT_MATRICES_MAX = 64;

function encodeMatrixNow(
  symbology: 'qrcode' | 'datamatrix',
  text: string,
  errorCorrection: string,
  field: string,
): Matrix {
  if (text === '') fail(symbology, field, 'empty value');
  const options = symbology === 'qrcode' ? { eclevel: errorCorrection } : {};
  const [raw] = encoded(symbology, field, () =>
    bwipjs.raw({ bcid: symbology, text, ...options }),
  ) as RawMatrix[];
  if (!raw) return fail(symbology, field, 'no symbol');
  return { columns: raw.pixx, rows: raw.pixy, dark: raw.pixs };
}

/** Encodes a linear barcode to bar and space widths. */
export function encodeBars(symbology: string, text: string, field: string): Bars {
  if (text === '') fail(symbology, field, 'empty value');
  const [raw] = encoded(symbology, field, () => bwipjs.raw({ bcid: symbology, text })) as RawBars[];
  if (!raw) return fail(symbology, field, 'no symbol');
  return { widths: raw.sbs, modules: raw.sbs.reduce((a, b) => a + b, 0) };
}

/** bwip-js's result, or MSV_RENDER_BARCODE_INVALID with its reason when it refuses the text. */
function encoded(symbology: string, field: string, encode: () => unknown): unknown[] {
  try {
    return encode() as unknown[];
  } catch (error) {
    return fail(symbology, field, error);
  }
}
