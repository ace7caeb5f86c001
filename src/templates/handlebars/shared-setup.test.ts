import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { captureSetup, evaluateShared, RUNTIME_OPTIONS } from './shared-setup.ts';

/** An environment like env.ts's, with a helper that shows what helpers are given. */
function environment() {
  const env = Handlebars.create();
  const seen: { lookupProperty: unknown; data: unknown }[] = [];
  env.registerHelper('probe', (...args: unknown[]) => {
    const options = args.at(-1) as { lookupProperty: unknown; data: unknown };
    seen.push({ lookupProperty: options.lookupProperty, data: options.data });
    return `probe(${args.length - 1})`;
  });
  env.registerHelper('upper', (value: unknown) => String(value).toUpperCase());
  return { env, seen };
}

const options = {
  strict: true,
  noEscape: true,
  knownHelpers: { probe: true, upper: true },
  knownHelpersOnly: true,
};

/** Every construct the shipped templates use, and a few they could. */
const SOURCES = [
  'plain text',
  '{{customer.name}} {{upper customer.name}}',
  '{{#if customer.vip}}vip{{else}}regular{{/if}} {{#unless customer.vip}}not vip{{/unless}}',
  '{{#each rows}}{{@index}}:{{this.amount}}{{#if @first}}(first){{/if}}{{#if @last}}(last){{/if}} {{/each}}',
  '{{#each rows as |row i|}}{{i}}={{row.amount}};{{/each}}',
  '{{#with customer}}{{name}} of {{../bank}}{{/with}}',
  '{{#customer}}{{name}}{{/customer}} {{#rows}}[{{amount}}]{{/rows}} {{^missing}}none{{/missing}}',
  '{{lookup customer "name"}} {{lookup rows 1}}',
  '{{@root.bank}} {{@locale}} {{@missive.id}}',
  '{{probe customer.name (upper bank) key=1}}',
  '{{#each rows}}{{probe amount}}{{/each}}',
  '{{log "quiet" level="debug"}}{{customer.name}}',
];

const context = {
  bank: 'Harbour Bank',
  customer: { name: 'Ada & Co', vip: false },
  rows: [{ amount: 1 }, { amount: 2 }, { amount: 3 }],
  missing: undefined,
};
const data = { missive: { id: 'm1' }, locale: 'en-GB' };

function outcome(run: () => string): string {
  try {
    return run();
  } catch (error) {
    return `threw ${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

describe('one Handlebars set-up shared by every evaluation', () => {
  it('gives what a top-level call gives, for every construct', () => {
    const { env } = environment();
    const setup = captureSetup(env);
    for (const source of SOURCES) {
      const delegate = env.compile(source, options);
      const expected = outcome(() => delegate(context, { ...RUNTIME_OPTIONS, data }));
      expect(
        outcome(() => evaluateShared(env, setup, delegate, context, data)),
        source,
      ).toBe(expected);
      expect(expected).not.toMatch(/^threw/);
    }
  });

  it('fails as a top-level call fails: missing variables, prototype properties and methods', () => {
    const { env } = environment();
    const setup = captureSetup(env);
    class Account {
      owner = 'Ada';
      get hidden(): string {
        return 'prototype property';
      }
      shout(): string {
        return 'prototype method';
      }
    }
    const failing = [
      ['{{customer.nam}}', context],
      ['{{customer.name.first}}', context],
      ['{{owner}}/{{hidden}}/{{shout}}', new Account()],
      ['{{constructor.name}}', context],
      ['{{__proto__}}', context],
      ['{{lookup this "constructor"}}', context],
    ] as const;
    for (const [source, value] of failing) {
      const delegate = env.compile(source, options);
      const expected = outcome(() => delegate(value, { ...RUNTIME_OPTIONS, data }));
      expect(
        outcome(() => evaluateShared(env, setup, delegate, value, data)),
        source,
      ).toBe(expected);
    }
  });

  it('hands every helper call the same set-up (no wrappers made per call), and the call’s own data', () => {
    const { env, seen } = environment();
    const setup = captureSetup(env);
    const one = env.compile('{{probe customer.name}}', options);
    const two = env.compile('{{#each rows}}{{probe amount}}{{/each}}', options);
    evaluateShared(env, setup, one, context, data);
    evaluateShared(env, setup, two, context, { ...data, locale: 'zh-CN' });
    evaluateShared(env, setup, one, context, data);
    expect(seen).toHaveLength(5);
    // If a Handlebars upgrade stops honouring options.partial, each call sets helpers up again
    // and this identity breaks: the set-up is then per call again (slower, still correct).
    expect(new Set(seen.map((s) => s.lookupProperty)).size).toBe(1);
    expect(seen.map((s) => (s.data as { locale: string }).locale)).toEqual([
      'en-GB',
      'zh-CN',
      'zh-CN',
      'zh-CN',
      'en-GB',
    ]);
    expect((seen[0]!.data as { root: unknown }).root).toBe(context);
    // Top-level calls set helpers up per call, with each template's own lookupProperty.
    seen.length = 0;
    one(context, { ...RUNTIME_OPTIONS, data });
    two(context, { ...RUNTIME_OPTIONS, data });
    expect(seen[0]!.lookupProperty).not.toBe(seen[1]!.lookupProperty);
  });

  it('leaves no partial behind', () => {
    const { env } = environment();
    captureSetup(env);
    expect(Object.keys(env.partials)).toEqual([]);
  });
});
