import fs from 'node:fs';
import path from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server on loopback for the demo and the tests (smtp-server + mailparser). It keeps
 * every message it accepts — in memory and, with `dir`, as `.eml` files — with the envelope it came
 * in (MAIL FROM, every RCPT TO), and can be told to answer chosen recipients with SMTP reply codes:
 * `script('a@x', [451, 451])` answers 451 twice, then accepts; `script('b@x', [550])` refuses once,
 * `reject('b@x', 550)` refuses always. `throttleNext(n)` answers the next n MAIL FROM with 421.
 */
export interface SinkMail {
  messageId: string;
  envelope: { from: string; to: string[] };
  /** The message as received and as parsed by mailparser; not kept with `retain: 'envelope'`. */
  raw?: Buffer;
  parsed?: ParsedMail;
  receivedAt: string;
  file?: string;
}

export interface SmtpSink {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly messages: readonly SinkMail[];
  /** Every RCPT TO the sink saw, accepted or not (header-injection checks). */
  readonly recipientsSeen: readonly string[];
  script(recipient: string, codes: number[]): void;
  reject(recipient: string, code: number): void;
  throttleNext(count: number): void;
  clear(): void;
  close(): Promise<void>;
}

const TEXT: Record<number, string> = {
  421: 'Too many messages, slow down',
  450: 'Mailbox unavailable, try again later',
  451: 'Local error in processing, try again later',
  452: 'Insufficient storage, try again later',
  454: 'Throttling: try again later',
  550: 'Mailbox unavailable: no such user',
  552: 'Message size exceeds limit',
  553: 'Mailbox name not allowed',
  554: 'Transaction failed',
};

/** A reply the sink was scripted to give: smtp-server answers an error's `responseCode` and message. */
class SmtpSinkReply extends Error {
  constructor(readonly responseCode: number) {
    super(TEXT[responseCode] ?? `scripted reply ${responseCode}`);
    this.name = 'SmtpSinkReply';
  }
}

function smtpError(code: number): SmtpSinkReply {
  return new SmtpSinkReply(code);
}

export interface SmtpSinkOptions {
  port?: number;
  dir?: string;
  /**
   * `full` (default, tests): every message in memory, raw and parsed. `envelope` (the demo, `missive
   * sinks`, benchmarks): only Message-ID, envelope and file in memory, no parsing — a million-message
   * run must not hold a million parsed mails.
   */
  retain?: 'full' | 'envelope';
}

/** The Message-ID header of a raw message (its header block only), without parsing the message. */
function rawMessageId(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  const headers = raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
  return /^message-id:[ \t]*(<[^>\r\n]+>)/im.exec(headers)?.[1] ?? '';
}

/** How long close() lets connected senders finish before it closes their connections. */
const CLOSE_GRACE_MS = 1_000;

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SinkMail[] = [];
  const recipientsSeen: string[] = [];
  const scripts = new Map<string, number[]>();
  const rejects = new Map<string, number>();
  let throttle = 0;
  if (options.dir) fs.mkdirSync(options.dir, { recursive: true });

  const onRcptTo = (
    address: { address: string },
    _s: SMTPServerSession,
    cb: (err?: Error | null) => void,
  ) => {
    const to = address.address.toLowerCase();
    recipientsSeen.push(to);
    const always = rejects.get(to);
    if (always !== undefined) return cb(smtpError(always));
    const next = scripts.get(to)?.shift();
    return cb(next === undefined ? null : smtpError(next));
  };
  const onData = (
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    cb: (err?: Error | null) => void,
  ) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      const keep = (mail: SinkMail) => {
        if (options.dir) {
          mail.file = path.join(options.dir, `${String(messages.length + 1).padStart(6, '0')}.eml`);
          fs.writeFileSync(mail.file, raw);
        }
        messages.push(mail);
        cb(null);
      };
      const envelope = {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
      };
      const receivedAt = new Date().toISOString();
      if (options.retain === 'envelope') return keep({ messageId: rawMessageId(raw), envelope, receivedAt });
      void simpleParser(raw).then(
        (parsed) => keep({ messageId: parsed.messageId ?? '', envelope, raw, parsed, receivedAt }),
        (err: Error) => cb(err),
      );
    });
  };
  const server = new SMTPServer({
    // close() stops accepting at once, then waits this long for connected clients (a sender's idle
    // pooled connection never hangs up by itself) before answering them 421 and closing them:
    // smtp-server's default, 30 s, held every stop of `missive sinks` and every test's clean-up.
    closeTimeout: CLOSE_GRACE_MS,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    size: 25 * 1024 * 1024,
    onMailFrom(_address, _session, cb) {
      if (throttle > 0) {
        throttle -= 1;
        return cb(smtpError(421));
      }
      return cb();
    },
    onRcptTo,
    onData,
    onAuth(_auth, _session, cb) {
      cb(null, { user: 'sink' });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  server.on('error', () => {}); // a client that hangs up mid-session is not the sink's problem
  return {
    host: '127.0.0.1',
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    recipientsSeen,
    script: (recipient, codes) => void scripts.set(recipient.toLowerCase(), [...codes]),
    reject: (recipient, code) => void rejects.set(recipient.toLowerCase(), code),
    throttleNext: (count) => {
      throttle = count;
    },
    clear: () => {
      messages.length = 0;
      recipientsSeen.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
