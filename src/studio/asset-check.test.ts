import { describe, expect, it } from 'vitest';
import { AssetRefusal, assetName, sniffImage, svgProblems } from './asset-check.ts';

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const svg = (body: string, attrs = '') =>
  `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"${attrs}>${body}</svg>`;

function refusal(bytes: Buffer): string {
  try {
    sniffImage(bytes);
  } catch (error) {
    if (error instanceof AssetRefusal) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('sniffImage: the format from the bytes, never the name', () => {
  it('knows PNG, JPEG and SVG by their first bytes', () => {
    expect(sniffImage(PNG_HEAD)).toBe('png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toBe('jpeg');
    expect(sniffImage(Buffer.from(svg('<rect width="5" height="5"/>')))).toBe('svg');
    expect(sniffImage(Buffer.from('\uFEFF<!-- logo -->\n<svg viewBox="0 0 1 1"></svg>'))).toBe('svg');
  });

  it('names formats it refuses', () => {
    expect(refusal(Buffer.from('GIF89a\u0001\u0000'))).toMatch(/a GIF file.*PNG, JPEG or SVG/);
    expect(refusal(Buffer.from('%PDF-1.7\n'))).toMatch(/a PDF file/);
    expect(refusal(Buffer.from('<html><script>alert(1)</script></html>'))).toMatch(/not an image/);
    expect(refusal(Buffer.alloc(0))).toBe('is empty');
  });
});

describe('svgProblems', () => {
  it('accepts a plain logo with local references', () => {
    const logo = svg(
      '<defs><linearGradient id="g"><stop offset="0" stop-color="#0b3d6e"/></linearGradient></defs>' +
        '<rect width="10" height="10" fill="url(#g)"/><use href="#g"/><text x="1" y="8">done = on</text>',
    );
    expect(svgProblems(logo)).toEqual([]);
  });

  it('refuses a <script> element, also namespaced, and event handlers such as onload', () => {
    expect(svgProblems(svg('<script>alert(1)</script>'))).toEqual(['has a <script> element']);
    expect(svgProblems(svg('<svg:script href="#x"/>'))).toContain('has a <script> element');
    expect(svgProblems(svg('<rect/>', ' onload="alert(1)"'))).toEqual([
      'has an event handler attribute (onload=)',
    ]);
    expect(svgProblems(svg('<rect\nONCLICK = "x()"/>'))).toEqual([
      'has an event handler attribute (ONCLICK=)',
    ]);
  });

  it('refuses external references, javascript: URLs, embedded documents and entities', () => {
    expect(svgProblems(svg('<image href="https://tracker.example/p.png"/>'))).toEqual([
      'refers to another file (href="https://tracker.example/p.png")',
    ]);
    expect(svgProblems(svg('<image xlink:href="file:///etc/passwd"/>'))[0]).toMatch(/another file/);
    expect(svgProblems(svg('<rect style="fill:url(https://x.example/a.svg#p)"/>'))[0]).toMatch(/url\(/);
    expect(svgProblems(svg('<a href="javascript:alert(1)"><rect/></a>'))).toContain('has a javascript: URL');
    expect(svgProblems(svg('<foreignObject><p>x</p></foreignObject>'))).toEqual([
      'has a <foreignObject> element',
    ]);
    expect(svgProblems(svg('<style>@import "x.css";</style>'))).toContain('has a CSS @import');
    expect(svgProblems('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>')).toEqual([
      'has a DOCTYPE or ENTITY declaration',
    ]);
    expect(svgProblems(svg('<a><set attributeName="href" to="javascript:x"/></a>'))).toContain(
      'animates a link (href)',
    );
  });
});

describe('assetName', () => {
  it('is the file name slugged, with the extension of what is stored', () => {
    expect(assetName('Platinum Card.JPG', 'png')).toBe('platinum-card.png');
    expect(assetName('C:\\fakepath\\Logo_2026.svg', 'png')).toBe('logo-2026.png');
    expect(assetName('../../etc/passwd', 'jpeg')).toBe('passwd.jpg');
    expect(assetName('米思芙.png', 'png')).toBe('image.png');
  });
});
