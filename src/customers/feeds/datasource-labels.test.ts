import { describe, expect, it } from 'vitest';
import { parseDataSource } from './datasource.ts';

const definition = (fields: Record<string, unknown>, feed: Record<string, unknown> = {}) => ({
  feeds: { accounts: { parent: 'customer', parentKey: 'customerId', ...feed, fields } },
  document: { id: 'customer.id' },
});

describe('data source labels', () => {
  it("keeps a feed's and its fields' names for people per locale; definitions without them read as before", () => {
    const ds = parseDataSource(
      'statement',
      definition(
        {
          customerId: 'customer_id',
          openingBalance: {
            from: 'opening_balance',
            type: 'number',
            label: { 'en-GB': 'Opening balance', 'zh-CN': '期初余额' },
          },
          currency: { from: 'currency' },
        },
        { label: { 'en-GB': 'Current accounts', 'zh-CN': '活期账户' } },
      ),
      'datasource.yaml',
    );
    const feed = ds.spec.feeds.accounts!;
    expect(feed.label).toEqual({ 'en-GB': 'Current accounts', 'zh-CN': '活期账户' });
    expect(feed.fields.openingBalance).toMatchObject({ type: 'number', label: { 'zh-CN': '期初余额' } });
    expect(feed.fields.customerId).toEqual({ from: 'customer_id', type: 'string' });
    expect(feed.fields.currency).toEqual({ from: 'currency', type: 'string' });
  });

  it('names every problem of a labelled field with its path', () => {
    const bad = definition({
      customerId: 'customer_id',
      x: { from: 'x', type: 'number', label: { 'zh-CN': '' } },
      y: { from: 'y', type: 'nope', label: { 'en-GB': 'Y' } },
    });
    expect(() => parseDataSource('statement', bad, 'datasource.yaml')).toThrow(
      /fields\.x\.label\["zh-CN"\].*fields\.y\.type/,
    );
  });
});
