import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { collectBytes, createPdfDocument, setDirectWritesEnabled, xrefEntries } from './document.ts';
import { getFont } from './fonts.ts';

/** A small tagged PDF/A document with Chinese and Latin text, a Chinese title and a vector shape. */
async function render(title: string): Promise<{ sha256: string; head: string }> {
  const doc = createPdfDocument({
    asOf: '2026-10-31',
    title,
    lang: 'zh-CN',
    pdfa: true,
    tagged: true,
    fonts: [getFont('regular')],
  });
  const bytes = collectBytes(doc);
  doc.addPage({ size: 'A4' });
  doc.font('regular').fontSize(11).text(`${title} — 账户 0123 £12.30 ✓?`, 50, 50);
  doc.rect(50, 100, 200, 20).fill('#336699');
  doc.end();
  const out = Buffer.from(await bytes);
  return {
    sha256: createHash('sha256').update(out).digest('hex'),
    head: out.subarray(0, 8).toString('latin1'),
  };
}

describe('collectBytes direct writes', () => {
  it('give the bytes of pdfkit’s own stream writes, header first, for each document alone or in a row', async () => {
    const titles = ['对账单 2026年10月', 'Statement October', 'Ünïcödé ÀÉ'];
    setDirectWritesEnabled(false);
    let streamed: { sha256: string; head: string }[];
    try {
      streamed = [];
      for (const t of titles) streamed.push(await render(t));
    } finally {
      setDirectWritesEnabled(true);
    }
    const direct = [];
    for (const t of titles) direct.push(await render(t));
    const reversed = [];
    for (const t of [...titles].reverse()) reversed.push(await render(t));
    expect(direct).toEqual(streamed);
    expect(reversed.reverse()).toEqual(streamed);
    expect(direct.every((d) => d.head.startsWith('%PDF-1.7'))).toBe(true);
  });
});

describe('xrefEntries', () => {
  it('prints each offset as pdfkit’s _finalize does, 20 bytes a line', () => {
    const offsets = [0, 7, 15, 123_456, 9_999_999_999];
    // pdfkit: `0000000000${offset}`.slice(-10) + ' 00000 n ', written with its newline.
    const pdfkit = offsets.map((o) => `${`0000000000${o}`.slice(-10)} 00000 n \n`).join('');
    expect(xrefEntries(offsets)?.toString('latin1')).toBe(pdfkit);
    expect(xrefEntries([])?.length).toBe(0);
  });

  it('leaves to pdfkit an object that was never written', () => {
    expect(xrefEntries([15, null, 40])).toBeUndefined();
  });
});
