import type { RgbImage } from './rgb-image.ts';

/**
 * A visual diff of two rendered pages: pixels that differ beyond `threshold` (sum of channel
 * differences) are red over a faded copy of the first page; sizes may differ. Pages come in as RGB
 * images (src/studio/rgb-image.ts).
 */
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
