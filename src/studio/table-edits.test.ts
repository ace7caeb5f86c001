import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MissiveError } from '../core/errors.ts';
import { compileTemplate } from '../templates/compile.ts';
import { templatePackageFromFiles } from '../templates/package-loader.ts';
import { editTable } from './table-edits.ts';
import { tableBlockOf } from './table-view.ts';

const DIR = path.resolve(import.meta.dirname, '..', '..', 'templates', 'monthly-statement');
const read = (file: string) => fs.readFileSync(path.join(DIR, file), 'utf8');
const files = {
  'manifest.json': read('manifest.json'),
  'print.yaml': read('print.yaml'),
  'email.mjml': read('email.mjml'),
  'web.hbs': read('web.hbs'),
  'locales/en-GB.json': read('locales/en-GB.json'),
  'locales/zh-CN.json': read('locales/zh-CN.json'),
};
const TABLE = 4;
const comments = (text: string) => text.split('\n').filter((l) => l.trim().startsWith('#'));
const ids = (f: Record<string, string>) => tableBlockOf(f, TABLE).columns.map((c) => c.id);
const strings = (f: Record<string, string>, locale: string) =>
  JSON.parse(f[`locales/${locale}.json`] ?? '{}') as Record<string, string>;
const fail = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(MissiveError);
    return (err as MissiveError).message;
  }
  throw new Error('expected a refusal');
};
/** Lines of `a` that `b` does not have (a multiset difference: what the edit took out). */
const gone = (a: string, b: string): string[] => {
  const left = b.split('\n');
  return a.split('\n').filter((line) => {
    const at = left.indexOf(line);
    if (at < 0) return true;
    left.splice(at, 1);
    return false;
  });
};

describe('editing a table block on the page', () => {
  it("reads the statement's transactions table: columns, headers in every locale, carry column, row fields", () => {
    const view = tableBlockOf(files, TABLE);
    expect(view.rows).toBe('transactions');
    expect(ids(files)).toEqual(['date', 'description', 'paidOut', 'paidIn', 'balance']);
    expect(view.carryColumn).toBe('balance');
    const balance = view.columns.find((c) => c.id === 'balance');
    expect(balance).toMatchObject({ headerKey: 'table.balance', width: '30mm', align: 'right' });
    expect(balance?.headers['en-GB']).toBe('Balance');
    expect(balance?.headers['zh-CN']).toBeTruthy();
    expect(view.rowFields.map((f) => f.path)).toContain('amount');
    expect(view.textWidth).toBeCloseTo(595.28 - (38 * 72) / 25.4, 1);
    expect(fail(() => tableBlockOf(files, 3))).toMatch(/^block: body\[3\] is not a table/);
  });

  it('removes the carry column: the carry line moves to the last right-aligned column', () => {
    const { changes, moved } = editTable(files, TABLE, { kind: 'remove', id: 'balance' });
    const yaml = changes['print.yaml'] ?? '';
    expect(moved).toEqual([{ line: 'carry', from: 'balance', to: 'paidIn' }]);
    const edited = { ...files, ...changes };
    expect(ids(edited)).toEqual(['date', 'description', 'paidOut', 'paidIn']);
    expect(tableBlockOf(edited, TABLE).carryColumn).toBe('paidIn');
    // Only the column's lines and the carry column's name changed; every comment stayed.
    expect(gone(files['print.yaml'], yaml)).toEqual([
      '      - {',
      '          id: balance,',
      `          header: "{{t 'table.balance'}}",`,
      '          value: "{{money row.balance account.currency}}",',
      '          width: 30mm,',
      '          align: right,',
      '        }',
      '      column: balance',
    ]);
    expect(gone(yaml, files['print.yaml'])).toEqual(['      column: paidIn']);
    expect(comments(yaml)).toEqual(comments(files['print.yaml']));
    // The web page's table still shows the balance: its header string stays.
    expect(changes['locales/en-GB.json']).toBeUndefined();
    // The layout compiles (the carry line names a column it has).
    expect(() => compileTemplate(templatePackageFromFiles('monthly-statement', edited))).not.toThrow();
  });

  it('drops the header string from every locale file when nothing else uses it', () => {
    const { 'web.hbs': _web, ...printOnly } = files;
    const { changes } = editTable(printOnly, TABLE, { kind: 'remove', id: 'balance' });
    for (const locale of ['en-GB', 'zh-CN']) {
      expect(strings(changes, locale)['table.balance']).toBeUndefined();
      expect(strings(changes, locale)['table.paidIn']).toBeTruthy();
    }
  });

  it('moves a column up and down, swapping only their lines', () => {
    const up = editTable(files, TABLE, { kind: 'move', id: 'paidIn', by: -1 }).changes;
    const edited = { ...files, ...up };
    expect(ids(edited)).toEqual(['date', 'description', 'paidIn', 'paidOut', 'balance']);
    expect([...(up['print.yaml'] ?? '')].sort()).toEqual([...files['print.yaml']].sort());
    const down = editTable(edited, TABLE, { kind: 'move', id: 'paidIn', by: 1 }).changes;
    expect(down['print.yaml']).toBe(files['print.yaml']);
    expect(fail(() => editTable(files, TABLE, { kind: 'move', id: 'date', by: -1 }))).toMatch(
      /already the first/,
    );
  });

  it("adds a column from the rows' contract fields with its header in every locale", () => {
    const headers = { 'en-GB': 'Amount', 'zh-CN': '金额' };
    const { changes } = editTable(files, TABLE, {
      kind: 'add',
      field: 'amount',
      form: { headers, width: '22mm', align: 'right' },
    });
    const edited = { ...files, ...changes };
    expect(ids(edited)).toEqual(['date', 'description', 'paidOut', 'paidIn', 'balance', 'amount']);
    expect(gone(changes['print.yaml'] ?? '', files['print.yaml'])).toEqual([
      `      - { id: amount, header: "{{t 'table.amount2'}}", value: "{{money row.amount account.currency}}", width: 22mm, align: right }`,
    ]);
    // The locale files already have a (no longer used) table.amount: the new header gets its own id.
    expect(strings(edited, 'zh-CN')['table.amount2']).toBe('金额');
    expect(() => compileTemplate(templatePackageFromFiles('monthly-statement', edited))).not.toThrow();
    expect(
      fail(() =>
        editTable(files, TABLE, { kind: 'add', field: 'nope', form: { headers, width: '*', align: 'left' } }),
      ),
    ).toMatch(/^field: not a field of the transactions rows/);
  });

  it('refuses fixed widths wider than the text width, keeping * columns as they are', () => {
    const message = fail(() =>
      editTable(files, TABLE, {
        kind: 'add',
        field: 'amount',
        form: { headers: { 'en-GB': 'Amount', 'zh-CN': '金额' }, width: '80mm', align: 'right' },
      }),
    );
    expect(message).toBe(
      "width: the fixed column widths add up to 184.0mm, wider than the page's text width of 172.0mm: make a column narrower or its width * (a share of what is left)",
    );
    const form = (width: string) => ({
      headers: { 'en-GB': 'Description', 'zh-CN': strings(files, 'zh-CN')['table.description'] ?? '' },
      width,
      align: 'left',
    });
    expect(
      fail(() => editTable(files, TABLE, { kind: 'save', columns: { description: form('90mm') } })),
    ).toMatch(/^width: the fixed column widths add up to 194\.0mm/);
    // Unchanged: nothing in print.yaml moves.
    const same = editTable(files, TABLE, { kind: 'save', columns: { description: form('*') } }).changes;
    expect(same['print.yaml']).toBe(files['print.yaml']);
  });

  it('saves a header, width and alignment: the locale strings and only that column change', () => {
    const { changes } = editTable(files, TABLE, {
      kind: 'save',
      columns: { date: { headers: { 'en-GB': 'Day', 'zh-CN': '日' }, width: '18mm', align: 'center' } },
    });
    const edited = { ...files, ...changes };
    expect(strings(edited, 'en-GB')['table.date']).toBe('Day');
    expect(gone(changes['print.yaml'] ?? '', files['print.yaml'])).toEqual([
      `      - { id: date, header: "{{t 'table.date'}}", value: "{{date row.date 'dayMonth'}}", width: 18mm, align: center }`,
    ]);
    expect(comments(changes['print.yaml'] ?? '')).toEqual(comments(files['print.yaml']));
    expect(
      fail(() =>
        editTable(files, TABLE, {
          kind: 'save',
          columns: { date: { headers: { 'en-GB': 'Day', 'zh-CN': '日' }, width: 'wide', align: 'left' } },
        }),
      ),
    ).toMatch(/^width/);
  });

  it('edits a table written in block style, with a total line, and no right-aligned column left', () => {
    const yaml = [
      'page: { size: A4, margins: { top: 10mm, right: 10mm, bottom: 10mm, left: 10mm } }',
      'body:',
      '  - type: table',
      '    rows: transactions',
      '    columns:',
      '      # the date first',
      '      - id: date',
      '        header: Date',
      "        value: '{{row.date}}'",
      '        width: 30mm',
      '      - id: amount # money',
      '        header: "{{t \'table.amount\'}}"',
      "        value: '{{row.amount}}'",
      '        width: 40mm',
      '        align: right',
      '    total: { label: Total, column: amount, value: "{{sum.amount}}" }',
      '',
    ].join('\n');
    const small = { ...files, 'print.yaml': yaml };
    const { changes, moved } = editTable(small, 0, { kind: 'remove', id: 'amount' });
    expect(moved).toEqual([{ line: 'total', from: 'amount', to: 'date' }]);
    expect(changes['print.yaml']).toBe(
      yaml.replace(/ {6}- id: amount # money\n(.*\n){4}/, '').replace('column: amount', 'column: date'),
    );
    // A literal header becomes a string id when its text is changed on the page.
    const saved = editTable(small, 0, {
      kind: 'save',
      columns: { date: { headers: { 'en-GB': 'Day', 'zh-CN': '日' }, width: '30mm', align: 'left' } },
    }).changes;
    expect(saved['print.yaml']).toContain(
      `      - { id: date, header: "{{t 'table.date2'}}", value: "{{row.date}}", width: 30mm }\n      - id: amount`,
    );
    expect(strings(saved, 'zh-CN')['table.date2']).toBe('日');
    expect(
      fail(() =>
        editTable({ ...small, 'print.yaml': changes['print.yaml'] ?? '' }, 0, { kind: 'remove', id: 'date' }),
      ),
    ).toMatch(/at least one column/);
  });
});
