import { describe, expect, it } from 'vitest';
import { describeRedisTarget, parseRedisTarget, queuePrefixFor } from './redis-target.ts';

describe('REDIS_URL: one server or a Redis Cluster', () => {
  it('keeps a redis:// URL as it is', () => {
    expect(parseRedisTarget('redis://127.0.0.1:6379/0')).toEqual({
      kind: 'single',
      url: 'redis://127.0.0.1:6379/0',
    });
    expect(parseRedisTarget('rediss://h:1').kind).toBe('single');
  });

  it('reads the seed nodes, credentials and TLS of a cluster URL', () => {
    expect(parseRedisTarget('redis+cluster://127.0.0.1:7000,127.0.0.1:7001')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 7000 },
        { host: '127.0.0.1', port: 7001 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
    expect(parseRedisTarget('rediss+cluster://app:p%40ss:w@[::1]:7000')).toMatchObject({
      nodes: [{ host: '::1', port: 7000 }],
      username: 'app',
      password: 'p@ss:w',
      tls: true,
    });
    expect(() => parseRedisTarget('redis+cluster://h:99999')).toThrow(/not host:port/);
    expect(() => parseRedisTarget('redis+cluster://h')).toThrow(/not host:port/);
  });

  it('hash-tags the queue prefix on a cluster only, keeping a tag already there', () => {
    const cluster = parseRedisTarget('redis+cluster://h:1');
    expect(queuePrefixFor('missive', cluster)).toBe('{missive}');
    expect(queuePrefixFor('bank:{eu}', cluster)).toBe('bank:{eu}');
    expect(queuePrefixFor('odd{}', cluster)).toBe('{odd{}}');
    expect(queuePrefixFor('missive', parseRedisTarget('redis://h:1'))).toBe('missive');
  });

  it('describes a target without its password', () => {
    expect(describeRedisTarget(parseRedisTarget('redis+cluster://:secret@a:1,b:2'))).toBe(
      'redis+cluster://a:1,b:2',
    );
    expect(describeRedisTarget(parseRedisTarget('redis://:secret@a:1'))).toBe('redis://:***@a:1');
  });
});
