import { describe, expect, it } from 'vitest';
import { commandsFor } from './index.ts';

const names = (...args: string[]) => commandsFor(['node', 'missive', ...args]).map((c) => c.names[0]);

describe('commandsFor: which command modules a command line loads', () => {
  it('loads none for --version', () => {
    expect(names('--version')).toEqual([]);
    expect(names('-V')).toEqual([]);
  });

  it('loads only the module of the command named', () => {
    expect(names('customers', 'show', '42')).toEqual(['customers']);
    expect(names('datasources', 'list')).toEqual(['feeds']);
    expect(names('run', 'monthly-statement', '--as-of', '2026-10-31')).toEqual(['run']);
  });

  it('loads every module for help, no command, or a name to suggest a correction for', () => {
    const all = names();
    expect(all.length).toBeGreaterThan(20);
    expect(all[0]).toBe('demo');
    expect(names('--help')).toEqual(all);
    expect(names('help', 'run')).toEqual(all);
    expect(names('custmers')).toEqual(all);
    expect(names('--help', 'run')).toEqual(all);
  });
});
