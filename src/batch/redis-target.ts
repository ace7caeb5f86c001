import { MissiveError } from '../core/errors.ts';
/**
 * Which Redis a command's queues live on, read from REDIS_URL: one server (`redis://`, `rediss://`)
 * or a Redis Cluster named by some of its nodes (`redis+cluster://[user:password@]host:port,host:port`,
 * `rediss+cluster://` with TLS). The cluster finds its other nodes itself; two or three seeds are
 * enough for a client to connect while one of them is down.
 */
export type RedisTarget =
  | { readonly kind: 'single'; readonly url: string }
  | {
      readonly kind: 'cluster';
      readonly nodes: readonly { host: string; port: number }[];
      readonly username?: string | undefined;
      readonly password?: string | undefined;
      readonly tls: boolean;
    };

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\//;

/**
 * Parses REDIS_URL. Throws a plain Error naming the bad part (config.ts has checked the scheme).
 *
 * @example
 * parseRedisTarget('redis+cluster://:secret@10.0.0.1:7000,10.0.0.2:7000')
 * // { kind: 'cluster', nodes: [{ host: '10.0.0.1', port: 7000 }, …], password: 'secret', tls: false }
 */
export function parseRedisTarget(url: string): RedisTarget {
  const scheme = CLUSTER_SCHEME.exec(url);
  if (!scheme) return { kind: 'single', url };
  const rest = url.slice(scheme[0].length).replace(/\/.*$/, '');
  const at = rest.lastIndexOf('@');
  const auth = at >= 0 ? rest.slice(0, at) : '';
  const [user = '', pass] = auth.split(/:(.*)/s, 2);
  const nodes = (at >= 0 ? rest.slice(at + 1) : rest).split(',').map(parseNode);
  if (nodes.length === 0)
    throw new MissiveError('MSV_CONFIG_INVALID', 'a redis+cluster:// URL needs at least one host:port', {
      field: 'REDIS_URL',
    });
  return {
    kind: 'cluster',
    nodes,
    username: user ? decodeURIComponent(user) : undefined,
    password: pass ? decodeURIComponent(pass) : undefined,
    tls: scheme[1] === 'rediss',
  };
}

function parseNode(text: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port > 0 && port < 65_536))
    throw new MissiveError('MSV_CONFIG_INVALID', `"${text}" in the cluster URL is not host:port`, {
      field: 'REDIS_URL',
    });
  return { host: match[1], port };
}

/**
 * The queue prefix to use on `target`. BullMQ's scripts touch several keys of a queue at once, and a
 * flow adds its parent (finalize queue) and children (render queue) in one transaction: on a cluster
 * all of them must hash to one slot, so a prefix without a hash tag gets one around it (`missive` →
 * `{missive}`). A prefix that already has a non-empty `{…}` is kept as it is. One server: unchanged.
 */
export function queuePrefixFor(prefix: string, target: RedisTarget): string {
  if (target.kind === 'single' || /\{[^}]+\}/.test(prefix)) return prefix;
  return `{${prefix}}`;
}

/** The target for a log line or an error message, without its password. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === 'cluster') {
    const scheme = target.tls ? 'rediss+cluster' : 'redis+cluster';
    return `${scheme}://${target.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  }
  try {
    const u = new URL(target.url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'REDIS_URL';
  }
}
