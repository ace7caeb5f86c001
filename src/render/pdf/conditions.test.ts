import { describe, expect, it } from 'vitest';
import { testPackageFiles } from '../../../test/support/test-package.ts';
import { MissiveError } from '../../core/errors.ts';
import { compileTemplate } from '../../templates/compile.ts';
import { templatePackageFromFiles } from '../../templates/package-loader.ts';
import { renderPrint } from '../print.ts';
import type { BlockBox } from './block-map.ts';

const body = (...whens: string[]) =>
  [
    'page: { size: A4, margins: { top: 20mm, right: 20mm, bottom: 20mm, left: 20mm } }',
    'body:',
    '  - { type: text, text: "{{customer.name}}" }',
    ...whens.map((w) => `  - { type: text, text: "shown", when: ${JSON.stringify(w)} }`),
  ].join('\n');

async function drawn(whens: string[], customer: Record<string, unknown>): Promise<string[]> {
  const template = compileTemplate(
    templatePackageFromFiles('letter', testPackageFiles({ 'print.yaml': body(...whens) })),
  );
  const blockMap: BlockBox[] = [];
  await renderPrint(
    template,
    { customer: { name: 'Ann', ...customer } },
    {
      asOf: '2026-11-30',
      locale: 'en-GB',
      blockMap,
    },
  );
  return [...new Set(blockMap.map((b) => b.path))];
}

describe("a body block's when: in the renderer", () => {
  it('draws a block only when its comparison holds', async () => {
    const whens = [
      'customer.balance > 100',
      "customer.segment == 'gold'",
      '!customer.segment',
      'customer.age < 18',
    ];
    expect(await drawn(whens, { balance: 250, segment: 'gold', age: 30 })).toEqual([
      'body[0]',
      'body[1]',
      'body[2]',
    ]);
    expect(await drawn(whens, { balance: 50, age: 12 })).toEqual(['body[0]', 'body[3]', 'body[4]']);
  });

  it('refuses a when: that is not a condition, naming where', () => {
    let error: unknown;
    try {
      compileTemplate(
        templatePackageFromFiles('letter', testPackageFiles({ 'print.yaml': body('balance > high') })),
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MissiveError);
    expect(String((error as MissiveError).message)).toContain('body[1].when');
  });
});
