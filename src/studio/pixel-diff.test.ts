import { describe, expect, it } from 'vitest';
import { pixelDiff } from './pixel-diff.ts';
import type { RgbImage } from './rgb-image.ts';

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
});
