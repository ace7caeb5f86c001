import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import twilio from 'twilio';
import { afterAll, describe, expect, it } from 'vitest';
import { RedirectingRequestClient } from '../../src/channels/twilio-request-client.ts';
import { ROOT } from '../support/stores.ts';

/** `missive sinks`: both servers on loopback, the environment to use them, a count when stopped. */
describe('missive sinks', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-sinks-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('prints where the sinks are, takes an email and an SMS, and says what it received on Ctrl-C', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'missive.js'), 'sinks'], {
      cwd: ROOT,
      env: { ...process.env, MISSIVE_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('Ctrl-C stops both') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const env = Object.fromEntries([...stdout.matchAll(/export (\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    expect(env.MISSIVE_SMTP_URL).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    expect(env.MISSIVE_TWILIO_API_BASE).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const mail = nodemailer.createTransport(env.MISSIVE_SMTP_URL!);
    await mail.sendMail({ from: 'a@bank.test', to: 'b@example.test', subject: 'hi', text: 'hi' });
    mail.close();
    const client = twilio(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, {
      httpClient: new RedirectingRequestClient(env.MISSIVE_TWILIO_API_BASE),
    });
    const sms = await client.messages.create({ to: '+447700900123', from: '+15005550006', body: 'hi' });
    expect(sms.sid).toMatch(/^SM/);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('received 1 email(s), 1 SMS');
    expect(fs.readdirSync(path.join(dataDir, 'sinks', 'mail'))).toHaveLength(1);
  });
});
