import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng, parsePpm, pixelDiff, type RgbImage } from './pixel-diff.ts';

const solid = (width: number, height: number, rgb: [number, number, number]): RgbImage => {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i += 1) data.set(rgb, i * 3);
  return { width, height, data };
};

describe('pixelDiff', () => {
  it('counts the differing pixels, padding the smaller image with white', () => {
    const a = solid(4, 2, [255, 255, 255]);
    const b = solid(4, 3, [255, 255, 255]);
    b.data.set([0, 0, 0], 0);
    const { image, changed } = pixelDiff(a, b);
    expect(changed).toBe(1);
    expect([image.width, image.height]).toEqual([4, 3]);
    expect([...image.data.subarray(0, 3)]).toEqual([220, 20, 60]);
  });

  it('reads a P6 PPM and writes a PNG whose pixel rows decode back', () => {
    const ppm = Buffer.concat([Buffer.from('P6\n2 1\n255\n'), Buffer.from([1, 2, 3, 4, 5, 6])]);
    const img = parsePpm(ppm);
    expect(img).toMatchObject({ width: 2, height: 1 });
    expect([...img.data]).toEqual([1, 2, 3, 4, 5, 6]);
    const png = encodePng(img);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // No PNG decoder among the dependencies: Python's zlib inflates the IDAT stream.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'png-')), 'x.png');
    fs.writeFileSync(file, png);
    const check = execFileSync('python3', [
      '-c',
      'import sys,zlib,struct;d=open(sys.argv[1],"rb").read();i=d.index(b"IDAT");n=struct.unpack(">I",d[i-4:i])[0];print(list(zlib.decompress(d[i+4:i+4+n])))',
      file,
    ]).toString();
    expect(check.trim()).toBe('[0, 1, 2, 3, 4, 5, 6]');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
