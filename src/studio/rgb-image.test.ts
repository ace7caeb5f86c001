import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodePng, parsePpm } from './rgb-image.ts';

describe('RGB page images', () => {
  it('reads a P6 PPM and writes a PNG whose pixels decode back', async () => {
    const ppm = Buffer.concat([Buffer.from('P6\n2 1\n255\n'), Buffer.from([1, 2, 3, 4, 5, 6])]);
    const img = parsePpm(ppm);
    expect(img).toMatchObject({ width: 2, height: 1 });
    expect([...img.data]).toEqual([1, 2, 3, 4, 5, 6]);
    const png = await encodePng(img);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([2, 1, 3]);
    expect([...data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names a truncated PPM as pdftoppm output', () => {
    expect(() => parsePpm(Buffer.from('P6\n2 2\n255\n\u0001'))).toThrow(/PPM shorter/);
  });
});
