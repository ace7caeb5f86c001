import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

/** `missive users add|token` and `missive serve` as a person runs them: own processes, a data folder. */
describe('missive users and missive serve', () => {
  let dataDir: string;
  const env = () => {
    const e: NodeJS.ProcessEnv = { ...process.env, MISSIVE_DATA_DIR: dataDir, MISSIVE_LOG_LEVEL: 'info' };
    delete e.DATABASE_URL;
    return e;
  };
  const bin = path.join(root, 'bin', 'missive.js');

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-api-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('adds users, the password from stdin or generated and printed once', async () => {
    const child = execFile('node', [bin, 'users', 'add', 'alice', '--role', 'agent', '--password-stdin'], {
      env: env(),
    });
    child.stdin!.end('a long enough password\n');
    const out = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (d) => {
        text += String(d);
      });
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}`))));
    });
    expect(out).toContain('user alice added with role agent');
    const admin = await run('node', [bin, 'users', 'add', 'root', '--role', 'admin'], { env: env() });
    expect(admin.stdout).toMatch(/password \(shown once\): \S{20,}/);
  });

  it('serves on loopback: health, a token call, SIGTERM stops it; logs carry no query', async () => {
    const token = (await run('node', [bin, 'users', 'token', 'alice'], { env: env() })).stdout.trim();
    expect(token).toMatch(/^msv_[A-Za-z0-9_-]{40,}$/);
    const server = spawn('node', [bin, 'serve', '--port', '0'], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    server.stderr.on('data', (d) => {
      stderr += String(d);
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        server.stdout.on('data', (d) => {
          const m = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(String(d));
          if (m) resolve(m[1]!);
        });
        server.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const res = await fetch(`${url}/api/customers?q=${encodeURIComponent('secret-search-term')}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect((await fetch(`${url}/api/customers?q=x`)).status).toBe(401);
    } finally {
      const exited = new Promise((resolve) => server.on('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    expect(stderr).toContain('"route":"/api/customers"');
    expect(stderr).not.toContain('secret-search-term');
  });
});
