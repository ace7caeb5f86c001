import fs from 'node:fs';
import readline from 'node:readline';

/**
 * Synthetic customers built from the bank rows, for runs larger than the bank file: row r of the
 * output is bank row ((r - 1) mod n) + 1. With the bank mapping the id is the row number and the
 * identity (name, locale, address, consent…) is synthesized from it, so every customer is distinct
 * while the traits keep the bank data's real distribution. Streams; a million rows is ~100 MB.
 */
export async function writeSyntheticCustomers(
  bankFile: string,
  count: number,
  outFile: string,
): Promise<void> {
  const lines = readline.createInterface({
    input: fs.createReadStream(bankFile),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const rows: string[] = [];
  let header: string | undefined;
  for await (const line of lines) {
    if (header === undefined) header = line;
    else if (line.trim() !== '') rows.push(line);
  }
  if (header === undefined || rows.length === 0) throw new Error(`${bankFile} has no data rows`);
  const out = fs.createWriteStream(outFile);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve));
  await write(`${header}\n`);
  const BLOCK = 1000;
  for (let r = 0; r < count; r += BLOCK) {
    const block: string[] = [];
    for (let i = r; i < Math.min(count, r + BLOCK); i += 1) block.push(rows[i % rows.length]!);
    await write(`${block.join('\n')}\n`);
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}
