import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isMissiveError } from '../core/errors.ts';
import { ASSET_MAX_BYTES, ASSET_MAX_SIDE } from './asset-check.ts';
import { prepareAsset, STORED_MAX_BYTES, STORED_MAX_SIDE } from './assets.ts';

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 40 } } });

async function refusedWith(name: string, bytes: Buffer): Promise<string> {
  try {
    await prepareAsset(name, bytes);
  } catch (error) {
    if (isMissiveError(error) && error.code === 'MSV_STUDIO_ASSET_INVALID') return error.message;
    throw error;
  }
  return 'accepted';
}

describe('prepareAsset', () => {
  it('re-encodes a PNG, dropping what is not the picture (text chunks, bytes after IEND)', async () => {
    const png = await solid(40, 20)
      .png()
      .withMetadata({ exif: { IFD0: { Artist: 'someone' } } })
      .toBuffer();
    const tampered = Buffer.concat([png, Buffer.from('<script>alert(1)</script>')]);
    const asset = await prepareAsset('offer.png', tampered);
    expect(asset).toMatchObject({ name: 'offer.png', kind: 'png', sourceKind: 'png', width: 40, height: 20 });
    expect(asset.bytes.includes('someone')).toBe(false);
    expect(asset.bytes.includes('<script>')).toBe(false);
    const meta = await sharp(asset.bytes).metadata();
    expect(meta).toMatchObject({ format: 'png', isProgressive: false, depth: 'uchar', width: 40 });
    expect(meta.exif).toBeUndefined();
  });

  it('reads the format from the bytes: a PNG named .jpg is stored as the PNG it is', async () => {
    const asset = await prepareAsset('photo.jpg', await solid(8, 8).png().toBuffer());
    expect(asset).toMatchObject({ name: 'photo.png', kind: 'png', sourceKind: 'png' });
    const jpeg = await prepareAsset('scan.png', await solid(8, 8).jpeg().toBuffer());
    expect(jpeg).toMatchObject({ name: 'scan.jpg', kind: 'jpeg', sourceKind: 'jpeg' });
  });

  it('refuses a file whose bytes are not an image, whatever its name', async () => {
    expect(await refusedWith('logo.png', Buffer.from('<html><body>hi</body></html>'))).toMatch(
      /^logo\.png is not an image Missive reads: upload a PNG, JPEG or SVG$/,
    );
    const png = await solid(8, 8).png().toBuffer();
    expect(await refusedWith('cut.png', png.subarray(0, png.length - 20))).toMatch(
      /^cut\.png is not a readable PNG/,
    );
  });

  it('refuses an image over the size limits: too many bytes, too many pixels', async () => {
    expect(await refusedWith('big.png', Buffer.alloc(ASSET_MAX_BYTES + 1, 0x89))).toMatch(
      /^big\.png is 2\.0 MB; an upload is at most 2\.0 MB$/,
    );
    const wide = await solid(ASSET_MAX_SIDE + 1, 2)
      .png()
      .toBuffer();
    expect(await refusedWith('wide.png', wide)).toBe('wide.png is 4001×2 px; at most 4000×4000');
  });

  it('scales a large image down to the stored size', async () => {
    const asset = await prepareAsset('banner.jpeg', await solid(3200, 800).jpeg().toBuffer());
    expect([asset.width, asset.height]).toEqual([STORED_MAX_SIDE, 400]);
  });

  it('fits a hard-to-compress photo into the stored budget: smaller and at a lower quality before refusing', async () => {
    const noise = Buffer.alloc(2400 * 1600 * 3);
    for (let i = 0; i < noise.length; i += 1) noise[i] = ((i * 2654435761) >>> 24) ^ (i % 251);
    const photo = await sharp(noise, { raw: { width: 2400, height: 1600, channels: 3 } })
      .jpeg({ quality: 60 })
      .toBuffer();
    const asset = await prepareAsset('noise.jpg', photo);
    expect(asset.bytes.length).toBeLessThanOrEqual(STORED_MAX_BYTES);
    expect(asset.width).toBeLessThan(STORED_MAX_SIDE);
    expect(asset.width / asset.height).toBe(1.5);
  });

  it('rasterises a clean SVG to PNG and refuses one with <script> or onload', async () => {
    const clean =
      '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><rect width="60" height="30" fill="#0b3d6e"/></svg>';
    const asset = await prepareAsset('Logo.svg', Buffer.from(clean));
    expect(asset).toMatchObject({ name: 'logo.png', kind: 'png', sourceKind: 'svg', width: 60, height: 30 });
    const { data } = await sharp(asset.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 3)]).toEqual([0x0b, 0x3d, 0x6e]);

    const scripted = clean.replace('</svg>', '<script>fetch("https://x.example")</script></svg>');
    expect(await refusedWith('evil.svg', Buffer.from(scripted))).toBe(
      'evil.svg is not a safe SVG: it has a <script> element',
    );
    const onload = clean.replace('<svg ', '<svg onload="alert(1)" ');
    expect(await refusedWith('evil.svg', Buffer.from(onload))).toBe(
      'evil.svg is not a safe SVG: it has an event handler attribute (onload=)',
    );
  });
});
