import { describe, expect, it } from 'vitest';
import { collectBytes, createPdfDocument, setDirectWritesEnabled } from './document.ts';
import { pdfTextString } from './struct-element.ts';
import { Tagger } from './tagging.ts';

/**
 * The Tagger writes the structure tree itself (issue 22 performance); these documents are drawn once
 * through it and once through pdfkit's own structure API with the same calls, and must be the same
 * bytes: non-ASCII and escaped Alt text, Lang spans, header scope, content of one element on two
 * pages (a marked-content reference), an element made first and filled last (the first page's header)
 * and an artifact between marked sequences.
 */
function newDoc(): PDFKit.PDFDocument {
  return createPdfDocument({
    asOf: '2026-11-30',
    title: '结单 (t)',
    lang: 'zh-CN',
    pdfa: true,
    tagged: true,
    fonts: [],
  });
}

const ALT = '图表 (余额) \\ back\nslash';

function drawOurs(): Promise<Uint8Array> {
  const doc = newDoc();
  const bytes = collectBytes(doc);
  doc.addPage({ size: 'A4', margin: 0 });
  doc.addPage({ size: 'A4', margin: 0 });
  doc.switchToPage(0);
  const tags = new Tagger(doc, 'zh-CN');
  const header = tags.create('Div');
  tags.element('P', {}, () => {
    tags.text(
      [
        { text: 'a', lang: undefined },
        { text: 'b', lang: 'en-GB' },
      ],
      () => doc.rect(10, 10, 5, 5).fill(),
    );
    tags.artifact(() => doc.rect(20, 20, 5, 5).fill(), 'Layout');
    doc.switchToPage(1);
    tags.content(() => doc.rect(30, 30, 5, 5).fill());
  });
  tags.element('Table', {}, () =>
    tags.element('TR', {}, () => {
      tags.element('TH', { scope: 'Column' }, () => tags.content(() => doc.rect(1, 1, 1, 1).fill()));
      tags.element('TD', {}, () => tags.figure(ALT, () => doc.rect(2, 2, 1, 1).fill()));
    }),
  );
  doc.switchToPage(0);
  tags.within(header, () => tags.content(() => doc.rect(3, 3, 1, 1).fill()));
  doc.end();
  return bytes;
}

function drawPdfkit(): Promise<Uint8Array> {
  const doc = newDoc();
  const bytes = collectBytes(doc);
  doc.addPage({ size: 'A4', margin: 0 });
  doc.addPage({ size: 'A4', margin: 0 });
  doc.switchToPage(0);
  const root = doc.struct('Document');
  doc.addStructure(root);
  const mark = (element: PDFKit.PDFStructureElement, role: string, draw: () => void): void => {
    const content = doc.markStructureContent(role);
    draw();
    doc.endMarkedContent();
    element.add(content);
  };
  const header = doc.struct('Div');
  root.add(header);
  const p = doc.struct('P');
  root.add(p);
  mark(p, 'P', () => doc.rect(10, 10, 5, 5).fill());
  const span = doc.struct('Span', { lang: 'en-GB' });
  p.add(span);
  mark(span, 'Span', () => doc.rect(10, 10, 5, 5).fill());
  span.end();
  doc.markContent('Artifact', { type: 'Layout' });
  doc.rect(20, 20, 5, 5).fill();
  doc.endMarkedContent();
  doc.switchToPage(1);
  mark(p, 'P', () => doc.rect(30, 30, 5, 5).fill());
  p.end();
  const table = doc.struct('Table');
  root.add(table);
  const tr = doc.struct('TR');
  table.add(tr);
  const th = doc.struct('TH', { scope: 'Column' } as PDFKit.Mixins.StructureElementOptions);
  tr.add(th);
  mark(th, 'TH', () => doc.rect(1, 1, 1, 1).fill());
  th.end();
  const td = doc.struct('TD');
  tr.add(td);
  const figure = doc.struct('Figure', { alt: ALT });
  td.add(figure);
  mark(figure, 'Figure', () => doc.rect(2, 2, 1, 1).fill());
  figure.end();
  td.end();
  tr.end();
  table.end();
  doc.switchToPage(0);
  mark(header, 'Div', () => doc.rect(3, 3, 1, 1).fill());
  doc.end();
  return bytes;
}

describe('the structure tree written by the Tagger', () => {
  it('is byte for byte what pdfkit writes for the same calls', async () => {
    const [ours, pdfkit] = await Promise.all([drawOurs(), drawPdfkit()]);
    const text = Buffer.from(ours).toString('latin1');
    expect(text).toContain('/Type /MCR');
    expect(text).toContain('/Scope /Column');
    expect(Buffer.from(ours).equals(Buffer.from(pdfkit))).toBe(true);
  });

  it('gives the same bytes with direct writes as through pdfkit’s stream, for many elements', async () => {
    // Many elements (with cross-page references, Lang and Alt); with direct writes off every object
    // goes through pdfkit's own stream writes.
    const many = (): Promise<Uint8Array> => {
      const doc = newDoc();
      const bytes = collectBytes(doc);
      doc.addPage({ size: 'A4', margin: 0 });
      doc.addPage({ size: 'A4', margin: 0 });
      const tags = new Tagger(doc, 'zh-CN');
      for (let i = 0; i < 1500; i += 1) {
        doc.switchToPage(i % 2);
        tags.element(i % 3 ? 'P' : 'TD', i % 7 ? {} : { lang: 'en-GB', alt: `图 ${i}` }, () => {
          tags.content(() => doc.rect(i % 500, 1, 1, 1).fill());
          if (i % 11 === 0) {
            doc.switchToPage((i + 1) % 2);
            tags.content(() => doc.rect(2, 2, 1, 1).fill());
          }
        });
      }
      doc.end();
      return bytes;
    };
    const direct = await many();
    setDirectWritesEnabled(false);
    let streamed: Uint8Array;
    try {
      streamed = await many();
    } finally {
      setDirectWritesEnabled(true);
    }
    expect(Buffer.from(direct).equals(Buffer.from(streamed))).toBe(true);
    expect(Buffer.from(await drawOurs()).equals(Buffer.from(await drawOurs()))).toBe(true);
  });

  it('writes text strings as pdfkit: ASCII as is, else UTF-16BE with a byte order mark, escaped', () => {
    expect(pdfTextString('en-GB')).toBe('(en-GB)');
    expect(pdfTextString('a(b)\\c\n')).toBe('(a\\(b\\)\\\\c\\n)');
    expect(pdfTextString('图')).toBe('(\u00fe\u00ff\u0056\u00fe)');
    // U+5C5C is two backslash bytes, U+2829 the bytes of "()": each escaped.
    expect(pdfTextString('\u5c5c\u2829')).toBe('(\u00fe\u00ff\\\\\\\\\\(\\))');
  });
});
