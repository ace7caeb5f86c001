import { crc32, deflateSync } from 'node:zlib';
import { MissiveError } from '../core/errors.ts';

/**
 * A visual diff of two rendered pages: pixels that differ are red over a faded copy of the first page.
 * Pages come in as binary PPM from pdftoppm and the result goes out as PNG, encoded here with
 * node:zlib — a PNG encoder is a few lines and no image library is among the dependencies.
 */
export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, row by row. */
  data: Uint8Array;
}

export function parsePpm(buf: Uint8Array): RgbImage {
  const text = Buffer.from(buf.subarray(0, 64)).toString('latin1');
  const match = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(text);
  if (match?.[3] !== '255') throw badPpm('not an 8-bit binary PPM (P6)');
  const width = Number(match[1]);
  const height = Number(match[2]);
  const data = buf.subarray(match[0].length, match[0].length + width * height * 3);
  if (data.length !== width * height * 3) throw badPpm('PPM shorter than its header says');
  return { width, height, data };
}

/** pdftoppm wrote something else than the page asked for (as pdf-png.ts reports its failures). */
function badPpm(reason: string): MissiveError {
  return new MissiveError('MSV_RENDER_FAILED', `pdftoppm output: ${reason}`, { tool: 'pdftoppm' });
}

/** Per-pixel difference beyond `threshold` (sum of channel differences); sizes may differ. */
export function pixelDiff(a: RgbImage, b: RgbImage, threshold = 48): { image: RgbImage; changed: number } {
  const width = Math.max(a.width, b.width);
  const height = Math.max(a.height, b.height);
  const data = new Uint8Array(width * height * 3);
  let changed = 0;
  const at = (img: RgbImage, x: number, y: number, c: number) =>
    x < img.width && y < img.height ? img.data[(y * img.width + x) * 3 + c]! : 255;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const o = (y * width + x) * 3;
      let delta = 0;
      for (let c = 0; c < 3; c += 1) delta += Math.abs(at(a, x, y, c) - at(b, x, y, c));
      if (delta > threshold) {
        changed += 1;
        data[o] = 220;
        data[o + 1] = 20;
        data[o + 2] = 60;
      } else {
        const grey = 255 - Math.round((255 - (at(a, x, y, 0) + at(a, x, y, 1) + at(a, x, y, 2)) / 3) * 0.25);
        data[o] = grey;
        data[o + 1] = grey;
        data[o + 2] = grey;
      }
    }
  }
  return { image: { width, height, data }, changed };
}

export function encodePng(img: RgbImage): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed) >>> 0);
    return Buffer.concat([head, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(img.width, 0);
  ihdr.writeUInt32BE(img.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const stride = img.width * 3;
  const raw = Buffer.alloc((stride + 1) * img.height);
  for (let y = 0; y < img.height; y += 1) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(img.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
