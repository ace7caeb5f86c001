import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

/**
 * A Redis Cluster on loopback for one test: `masters` masters with one replica each, Debian's
 * redis-server in cluster mode, no persistence, a short node timeout (1 s) so a killed master's
 * replica is promoted within seconds; joined with `redis-cli --cluster create`.
 */
export interface TestRedisCluster {
  /** redis+cluster://127.0.0.1:<port>,… (every node). */
  readonly url: string;
  readonly nodes: readonly ClusterNodeProcess[];
  /** The node now serving `key`'s slot as master. */
  masterOf(key: string): Promise<ClusterNodeProcess>;
  /**
   * Waits until every live node says cluster_state:ok, every live replica is in sync with its master
   * and `key`'s slot has a live master.
   */
  waitHealthy(key: string, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterNodeProcess {
  readonly port: number;
  readonly child: ChildProcess;
}

const NODE_TIMEOUT_MS = 1_000;

export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-test-cluster-'));
  const ports = await freeClusterPorts(masters * 2);
  const nodes = ports.map((port) => startNode(bin, dir, port));
  const stop = async () => {
    await Promise.all(nodes.map(stopNode));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(ports.map((port) => waitForPing(port, 10_000)));
    execFileSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { stdio: 'pipe', timeout: 30_000 },
    );
    const cluster: TestRedisCluster = {
      url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
      nodes,
      masterOf: (key) => masterOf(nodes, key),
      waitHealthy: (key, timeoutMs) => waitHealthy(nodes, key, timeoutMs),
      stop,
    };
    await cluster.waitHealthy('probe', 30_000);
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}

function startNode(bin: string, dir: string, port: number): ClusterNodeProcess {
  const nodeDir = path.join(dir, String(port));
  fs.mkdirSync(nodeDir);
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    'nodes.conf',
    '--cluster-node-timeout',
    String(NODE_TIMEOUT_MS),
    '--dir',
    nodeDir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxmemory-policy',
    'noeviction',
    // A replica may take over whatever the age of its copy (a test's master dies seconds after the start).
    '--cluster-replica-validity-factor',
    '0',
    '--logfile',
    path.join(nodeDir, 'redis.log'),
  ];
  const child = spawn(bin, args, { stdio: 'ignore' });
  return { port, child };
}

async function stopNode(node: ClusterNodeProcess): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => node.child.once('exit', () => resolve()));
  node.child.kill('SIGKILL');
  await exited;
}

async function withClient<T>(port: number, use: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    return await use(r);
  } finally {
    r.disconnect();
  }
}

const alive = (n: ClusterNodeProcess) => n.child.exitCode === null && n.child.signalCode === null;

async function masterOf(nodes: readonly ClusterNodeProcess[], key: string): Promise<ClusterNodeProcess> {
  const live = nodes.find(alive);
  if (!live) throw new Error('no cluster node alive');
  const port = await withClient(live.port, async (r) => {
    const slot = Number(await r.cluster('KEYSLOT', key));
    const ranges = await r.cluster('SLOTS');
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    return range?.[2]?.[1];
  });
  const node = nodes.find((n) => n.port === port);
  if (!node) throw new Error(`no master known for ${key}`);
  return node;
}

async function waitHealthy(
  nodes: readonly ClusterNodeProcess[],
  key: string,
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await Promise.all(
      nodes.filter(alive).map((n) =>
        withClient(n.port, async (r) => {
          const replication = await r.info('replication');
          const linked = !/role:slave/.test(replication) || /master_link_status:up/.test(replication);
          return linked && /cluster_state:ok/.test(await r.cluster('INFO'));
        }).catch(() => false),
      ),
    );
    const master = ok.every(Boolean) ? await masterOf(nodes, key).catch(() => undefined) : undefined;
    if (master && alive(master)) return;
    if (Date.now() > until) throw new Error(`the Redis Cluster was not healthy within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await withClient(port, (r) => r.ping()).catch(() => undefined)) return;
    if (Date.now() > until) throw new Error(`redis-server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `count` ports free on 127.0.0.1 whose cluster bus ports (port + 10000) are free too. */
async function freeClusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (ports.includes(port)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
