import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseDataSource } from '../customers/feeds/datasource.ts';
import { compileTemplateAsync } from '../templates/compile.ts';
import { loadTemplatePackage } from '../templates/package-loader.ts';
import { checkDataContract } from './data-contract.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const definition = (name: string) =>
  YAML.parse(fs.readFileSync(path.join(ROOT, 'datasources', name, 'datasource.yaml'), 'utf8')) as {
    document: Record<string, unknown>;
  };
const template = async (name: string) =>
  compileTemplateAsync(await loadTemplatePackage(path.join(ROOT, 'templates', name)));

describe("a data source against its template's contract", () => {
  it('accepts the shipped data sources', async () => {
    for (const name of ['monthly-statement', 'telecom-bill']) {
      const ds = parseDataSource(name, definition(name), `${name}.yaml`);
      expect(await checkDataContract(await template(name), ds.program.shape, '2026-11-30')).toEqual([]);
    }
  });

  it('names a field the schema requires', async () => {
    const spec = definition('monthly-statement');
    delete spec.document.closingBalance;
    const ds = parseDataSource('monthly-statement', spec, 'statement.yaml');
    expect(
      await checkDataContract(await template('monthly-statement'), ds.program.shape, '2026-11-30'),
    ).toEqual([
      "closingBalance: required by the template's data schema but the data source does not produce it",
    ]);
  });

  it('names a field the layout reads although the schema leaves it optional (telecom-bill history)', async () => {
    const spec = definition('telecom-bill');
    delete spec.document.history;
    const ds = parseDataSource('telecom-bill', spec, 'bill.yaml');
    const problems = await checkDataContract(await template('telecom-bill'), ds.program.shape, '2026-11-30');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^history: the layout reads it \(print\.yaml .*"history" is not in the document data/,
    );
  });

  it('names a type the schema does not accept', async () => {
    const spec = definition('monthly-statement');
    spec.document.openingBalance = 'customer.name';
    const ds = parseDataSource('monthly-statement', spec, 'statement.yaml');
    expect(
      await checkDataContract(await template('monthly-statement'), ds.program.shape, '2026-11-30'),
    ).toEqual(['openingBalance: the template wants number, the data source gives string']);
  });
});
