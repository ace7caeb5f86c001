import { describe, expect, it } from 'vitest';
import { testPackageFiles } from '../../../test/support/test-package.ts';
import { isMissiveError } from '../../core/errors.ts';
import { compileTemplate } from '../../templates/compile.ts';
import { templatePackageFromFiles } from '../../templates/package-loader.ts';
import { parsePrintLayout } from '../../templates/print-layout/parse.ts';
import { renderPrint } from '../print.ts';
import { collectBytes, createPdfDocument } from './document.ts';
import { Tagger } from './tagging.ts';

const PAGE = 'page: { size: A4, margins: { top: 20mm, right: 20mm, bottom: 20mm, left: 20mm } }';

function tagger(lang: string): Tagger {
  const doc = createPdfDocument({
    asOf: '2026-11-30',
    title: 't',
    lang,
    pdfa: false,
    tagged: true,
    fonts: [],
  });
  return new Tagger(doc, lang);
}

describe('Lang per span', () => {
  it('splits where the script changes; spaces and digits at the edges stay in the document language', () => {
    expect(tagger('en-GB').langRuns('Dear Priya 陈 Brown,')).toEqual([
      { text: 'Dear Priya ', lang: undefined },
      { text: '陈', lang: 'zh-CN' },
      { text: ' Brown,', lang: undefined },
    ]);
    expect(tagger('en-GB').langRuns('Wei 张伟\n14 Lime Street')).toEqual([
      { text: 'Wei ', lang: undefined },
      { text: '张伟', lang: 'zh-CN' },
      { text: '\n14 Lime Street', lang: undefined },
    ]);
    expect(tagger('zh-CN').langRuns('95500 · bank.example 客服')).toEqual([
      { text: '95500 · ', lang: undefined },
      { text: 'bank.example', lang: 'en-GB' },
      { text: ' 客服', lang: undefined },
    ]);
    expect(tagger('zh-CN').langRuns('张伟 Wei Zhang')).toEqual([
      { text: '张伟 ', lang: undefined },
      { text: 'Wei Zhang', lang: 'en-GB' },
    ]);
  });

  it('leaves text in the document language (and digits, amounts) as one run without Lang', () => {
    expect(tagger('en-GB').langRuns('£1,234.50 on 3 Nov')).toEqual([
      { text: '£1,234.50 on 3 Nov', lang: undefined },
    ]);
    expect(tagger('zh-CN').langRuns('¥1,234.50，2026年11月')).toEqual([
      { text: '¥1,234.50，2026年11月', lang: undefined },
    ]);
  });
});

/** The structure elements a Tagger wrote, as `S` or `S/Lang`, in the order they were written. */
async function written(lang: string, draw: (tags: Tagger) => void): Promise<string[]> {
  const doc = createPdfDocument({
    asOf: '2026-11-30',
    title: 't',
    lang,
    pdfa: false,
    tagged: true,
    fonts: [],
  });
  const bytes = collectBytes(doc);
  doc.addPage({ size: 'A4', margin: 0 });
  draw(new Tagger(doc, lang));
  doc.end();
  const text = Buffer.from(await bytes).toString('latin1');
  return [...text.matchAll(/\/S \/(\w+)\n(?:\/Lang \(([^)]*)\)\n)?/g)].map(([, s, l]) =>
    l ? `${s}/${l}` : `${s}`,
  );
}

describe('Lang on the element that holds the text', () => {
  const mark = (tags: Tagger, text: string) => tags.text(tags.langRuns(text), () => undefined);

  it('an element whose text is all in the other script carries the Lang itself, without a Span', async () => {
    const roles = await written('zh-CN', (tags) =>
      tags.element('TR', {}, () => {
        tags.element('TH', { scope: 'Row' }, () => mark(tags, 'SWIFT代码'));
        tags.element('TD', {}, () => mark(tags, 'MSVBCNSH'));
        tags.element('TD', {}, () => mark(tags, '¥1,234.50'));
      }),
    );
    // The label is Chinese with an English word (a Span); the code is English; an amount has no script.
    expect(roles).toEqual(['Span/en-GB', 'TH', 'TD/en-GB', 'TD', 'TR', 'Document']);
  });

  it('a Chinese name in an English letter: its own Lang when alone, a Span inside English text', async () => {
    const roles = await written('en-GB', (tags) => {
      tags.element('P', {}, () => mark(tags, '张伟'));
      tags.element('P', {}, () => mark(tags, 'Dear 张伟,'));
      tags.element('P', {}, () => {
        mark(tags, 'Sincerely');
        mark(tags, '罗娜');
      });
    });
    expect(roles).toEqual(['P/zh-CN', 'Span/zh-CN', 'P', 'Span/zh-CN', 'P', 'Document']);
  });

  it('text in an artifact is one run: nothing there is tagged', async () => {
    let runs: unknown;
    await written('en-GB', (tags) =>
      tags.artifact(() => {
        runs = tags.langRuns('Wei 张伟');
      }),
    );
    expect(runs).toEqual([{ text: 'Wei 张伟', lang: undefined }]);
  });
});

describe('tagging is opt-in per layout', () => {
  it('a layout without `tagged` renders the same bytes as one with `tagged: false`', async () => {
    const render = async (yaml: string) => {
      const t = compileTemplate(templatePackageFromFiles('letter', testPackageFiles({ 'print.yaml': yaml })));
      return renderPrint(t, { customer: { name: '罗娜 Lo' } }, { asOf: '2026-11-30', locale: 'en-GB' });
    };
    const base = testPackageFiles()['print.yaml']!;
    const plain = await render(base);
    const off = await render(`document: { tagged: false }\n${base}`);
    const on = await render(`document: { tagged: true }\n${base}`);
    expect(off.sha256).toBe(plain.sha256);
    expect(on.sha256).not.toBe(plain.sha256);
    const text = Buffer.from(on.bytes).toString('latin1');
    expect(text).toContain('/StructTreeRoot');
    expect(text).toMatch(/\/Marked true/);
    expect(text).toContain('pdfuaid:part>1<');
  });
});

describe('templates lint: alt text of a tagged layout', () => {
  it('names every figure without alt text, with its path and line', () => {
    const yaml = [
      'document: { tagged: true }',
      PAGE,
      'body:',
      '  - { type: qr, value: "x" }',
      '  - { type: qr, value: "x", alt: "QR code" }',
      '  - type: columns',
      '    columns:',
      '      - { width: "*", blocks: [{ type: image, src: images/a.png }] }',
    ].join('\n');
    let error: unknown;
    try {
      parsePrintLayout(yaml);
    } catch (e) {
      error = e;
    }
    expect(isMissiveError(error) && error.code).toBe('MSV_TEMPLATE_INVALID');
    const message = (error as Error).message;
    expect(message).toContain('print.yaml:4 body[0]: a qr in a tagged document needs alt text');
    expect(message).toContain('body[2].columns[0].blocks[0]: an image in a tagged document needs alt text');
    expect(message).not.toContain('body[1]');
  });

  it('an untagged layout needs no alt text', () => {
    expect(() => parsePrintLayout([PAGE, 'body:', '  - { type: qr, value: "x" }'].join('\n'))).not.toThrow();
  });
});
