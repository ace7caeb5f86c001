import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissiveError } from '../core/errors.ts';
import { guessEncoding, lineOf, normaliseEncoding, sniffEncoding, Utf8Transcoder } from './text-encoding.ts';

const CHINESE = 'id,name,city\n1,王秀英,上海市\n2,欧阳建国,北京市\n3,陈婷,深圳市\n';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-encoding-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, bytes: Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function refusal(file: string, declared?: string): Promise<MissiveError> {
  const err = await sniffEncoding(file, declared).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MissiveError);
  return err as MissiveError;
}

describe('normaliseEncoding', () => {
  it('knows the usual spellings and refuses unknown names', () => {
    expect(normaliseEncoding('UTF8')).toBe('utf-8');
    expect(normaliseEncoding('utf16le')).toBe('utf-16le');
    expect(normaliseEncoding('GB18030')).toBe('gb18030');
    expect(normaliseEncoding('gbk')).toBe('gbk');
    expect(normaliseEncoding('windows-1252')).toBe('windows-1252');
    expect(normaliseEncoding('klingon')).toBeUndefined();
    expect(normaliseEncoding('')).toBeUndefined();
  });
});

describe('guessEncoding', () => {
  it('tells GBK Chinese, Big5 Chinese, Latin-1 and UTF-16 apart', () => {
    expect(guessEncoding(iconv.encode(CHINESE, 'gbk'))).toBe('gb18030');
    expect(guessEncoding(iconv.encode('1,欧阳建國,臺北市\n2,陳婷,高雄市\n', 'big5'))).toBe('big5');
    expect(guessEncoding(iconv.encode('1,Müller,Zürich\n2,Zoë,Besançon\n', 'latin1'))).toBe('windows-1252');
    expect(guessEncoding(iconv.encode('id,name\n1,Ann\n', 'utf-16le'))).toBe('utf-16le');
    expect(guessEncoding(iconv.encode('id,name\n1,Ann\n', 'utf-16be'))).toBe('utf-16be');
  });
});

describe('sniffEncoding', () => {
  it('lets a byte-order mark decide (UTF-8, UTF-16LE, UTF-16BE), even over a declared encoding', async () => {
    const utf8 = write('bom8.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CHINESE)]));
    expect(await sniffEncoding(utf8)).toEqual({ encoding: 'utf-8', bomBytes: 3, firstLine: 'id,name,city' });
    const le = write('le.csv', iconv.encode(CHINESE, 'utf-16le', { addBOM: true }));
    expect(await sniffEncoding(le, 'gbk')).toEqual({
      encoding: 'utf-16le',
      bomBytes: 2,
      firstLine: 'id,name,city',
    });
    const be = write('be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(CHINESE, 'utf-16be')]));
    expect((await sniffEncoding(be)).encoding).toBe('utf-16be');
  });

  it('reads a declared GBK file and decodes its header line', async () => {
    const file = write('gbk.csv', iconv.encode('编号,姓名\n1,王秀英\n', 'gbk'));
    expect(await sniffEncoding(file, 'GBK')).toEqual({
      encoding: 'gbk',
      bomBytes: 0,
      firstLine: '编号,姓名',
    });
  });

  it('refuses a GBK file read as UTF-8 once, naming the line and the encoding to use', async () => {
    const file = write('gbk-undeclared.csv', iconv.encode(CHINESE, 'gb18030'));
    const err = await refusal(file);
    expect(err.code).toBe('MSV_INPUT_WRONG_ENCODING');
    expect(err.message).toBe(
      'line 2: not valid UTF-8; the file looks like GB18030/GBK — import it with --encoding gb18030 (or "encoding": "gb18030" in the mapping)',
    );
    expect(err.details).toMatchObject({ file, line: 2 });
  });

  it('names Windows-1252 for a Latin-1 file and UTF-16 for one without a byte-order mark', async () => {
    const latin = write('latin.csv', iconv.encode('id,name\n1,Ann\n2,Zoë\n', 'latin1'));
    expect((await refusal(latin)).message).toMatch(
      /^line 3: not valid UTF-8; the file looks like a single-byte encoding such as Windows-1252\/Latin-1 — import it with --encoding windows-1252/,
    );
    const utf16 = write('utf16-nobom.csv', iconv.encode('id,name\n1,Ann\n', 'utf-16le'));
    expect((await refusal(utf16)).message).toMatch(
      /looks like UTF-16LE without a byte-order mark — import it with --encoding utf-16le/,
    );
  });

  it('lets a UTF-8 file with a damaged row through (the reader rejects that row alone)', async () => {
    const file = write(
      'one-bad.csv',
      Buffer.concat([Buffer.from('id,name\n1,王秀英\n2,'), Buffer.from([0xff]), Buffer.from('\n3,陈婷\n')]),
    );
    expect((await sniffEncoding(file)).encoding).toBe('utf-8');
  });

  it('refuses a UTF-8 file declared in another encoding, and an unknown encoding name', async () => {
    const file = write('utf8.csv', Buffer.from(CHINESE));
    const err = await refusal(file, 'gb18030');
    expect(err.code).toBe('MSV_INPUT_WRONG_ENCODING');
    expect(err.message).toMatch(/declared gb18030 but its text is UTF-8/);
    expect(err.details.line).toBe(2);
    const unknown = await refusal(file, 'klingon');
    expect(unknown.code).toBe('MSV_INPUT_BAD_FILE');
    expect(unknown.message).toMatch(/unknown encoding "klingon"/);
  });

  it('does not fault a character cut at the end of the 1 MiB window', async () => {
    const row = '1,王秀英,上海市\n';
    const body = `id,name,city\n${row.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(row)) + 10)}`;
    const file = write('big-utf8.csv', Buffer.from(body));
    expect((await sniffEncoding(file)).encoding).toBe('utf-8');
  });
});

describe('Utf8Transcoder', () => {
  it('decodes GB18030 and UTF-16 to UTF-8 however the bytes are cut', async () => {
    for (const encoding of ['gb18030', 'utf-16le', 'utf-16be']) {
      const bytes = iconv.encode(CHINESE, encoding);
      const transcoder = new Utf8Transcoder(encoding);
      const out: Buffer[] = [];
      transcoder.on('data', (b: Buffer) => out.push(b));
      for (let i = 0; i < bytes.length; i += 3) transcoder.write(bytes.subarray(i, i + 3));
      transcoder.end();
      await new Promise((resolve) => transcoder.on('end', resolve));
      expect(Buffer.concat(out).toString('utf8')).toBe(CHINESE);
    }
  });
});

describe('lineOf', () => {
  it('counts LF, CRLF and lone CR as one line break each', () => {
    const bytes = Buffer.from('a\nb\r\nc\rd');
    expect([0, 2, 5, 7].map((o) => lineOf(bytes, o))).toEqual([1, 2, 3, 4]);
  });
});
