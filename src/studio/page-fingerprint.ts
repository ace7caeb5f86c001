import { createHash } from 'node:crypto';

/**
 * A fingerprint of what page `page` of a PDF looks like: the same for two documents whose page would
 * rasterise to the same pixels, so the canvas keeps a page's image across edits that changed only
 * other pages (an edit of the intro leaves the statement's second page as it was).
 *
 * A page draws its own content stream with the resources its dictionary names; the other pages'
 * content streams cannot change it. So the fingerprint hashes every object of the file except the
 * other pages' content streams — the page's own dictionary, content, fonts, images, and everything
 * else too (the structure tree, metadata: more than needed, which only costs a miss) — and not the
 * cross-reference table or the trailer's /ID, which follow the byte offsets and the whole content.
 *
 * Written for the PDFs our renderer (pdfkit) writes: one classic cross-reference table, a flat page
 * tree, each content stream referenced by its page only. Anything else (an incremental update, an
 * xref stream, a nested page tree, a reference it cannot read) gives undefined: the caller keys the
 * page by the whole file instead. Hand-written rather than pdf-lib: loading the statement with pdf-lib
 * took 50–180 ms, this takes well under 1 ms (offsets from the xref table, no object is parsed but the
 * page tree and the trailer).
 */
export function pageFingerprint(pdf: Uint8Array, page: number): string | undefined {
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const text = bytes.toString('latin1');
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text.slice(-64));
  if (!startxref) return undefined;
  const xrefAt = Number(startxref[1]);
  if (!text.startsWith('xref', xrefAt) || text.indexOf('%%EOF') !== text.lastIndexOf('%%EOF'))
    return undefined; // not a classic table at that offset, or an incremental update
  const trailerAt = text.indexOf('trailer', xrefAt);
  if (trailerAt < 0) return undefined;
  // Subsections of "start count" lines, then 20-byte entries "oooooooooo ggggg n\r\n".
  const offsets = new Map<number, number>();
  const table = text.slice(xrefAt + 4, trailerAt);
  const section = /(\d+) (\d+)\s*\n/y;
  let at = /^\s*/.exec(table)?.[0].length ?? 0;
  while (at < table.length && /\d/.test(table[at] ?? '')) {
    section.lastIndex = at;
    const head = section.exec(table);
    if (!head) return undefined;
    const [first, count] = [Number(head[1]), Number(head[2])];
    at = section.lastIndex;
    for (let i = 0; i < count; i++, at += 20) {
      const entry = /^(\d{10}) (\d{5}) ([nf])/.exec(table.slice(at, at + 18));
      if (!entry) return undefined;
      if (entry[3] === 'n') offsets.set(first + i, Number(entry[1]));
    }
    at += /^\s*/.exec(table.slice(at))?.[0].length ?? 0;
  }
  // Each object runs from its offset to the next object's (or to the table).
  const starts = [...offsets.values(), xrefAt].sort((a, b) => a - b);
  const end = new Map(starts.slice(0, -1).map((s, i) => [s, starts[i + 1] ?? xrefAt]));
  const body = (num: number): string | undefined => {
    const from = offsets.get(num);
    return from === undefined ? undefined : text.slice(from, end.get(from));
  };
  const ref = (dict: string, key: string): number | undefined => {
    const m = new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`).exec(dict);
    return m ? Number(m[1]) : undefined;
  };
  const root = ref(text.slice(trailerAt), 'Root');
  const catalog = root === undefined ? undefined : body(root);
  const pagesNum = catalog === undefined ? undefined : ref(catalog, 'Pages');
  const pages = pagesNum === undefined ? undefined : body(pagesNum);
  const kids = pages && /\/Kids\s*\[([\d\sR]*)\]/.exec(pages)?.[1];
  if (!kids) return undefined;
  const pageNums = [...kids.matchAll(/(\d+)\s+0\s+R/g)].map((m) => Number(m[1]));
  const contentsOf = (num: number): number[] | undefined => {
    const dict = body(num);
    if (!dict || !/\/Type\s*\/Page\b(?!s)/.test(dict)) return undefined; // a nested page tree
    const m = /\/Contents\s*(?:(\d+)\s+0\s+R|\[([\d\sR]*)\])/.exec(dict);
    if (!m) return [];
    return m[1] !== undefined
      ? [Number(m[1])]
      : [...(m[2] ?? '').matchAll(/(\d+)\s+0\s+R/g)].map((c) => Number(c[1]));
  };
  const mine = pageNums[page - 1];
  const own = mine === undefined ? undefined : contentsOf(mine);
  if (mine === undefined || !own) return undefined;
  const others = new Set<number>();
  for (const num of pageNums) {
    if (num === mine) continue;
    const contents = contentsOf(num);
    if (!contents) return undefined;
    for (const c of contents) if (!own.includes(c)) others.add(c);
  }
  const hash = createHash('sha256').update(`page ${page} object ${mine} root ${root}\n`);
  for (const [num, from] of [...offsets].sort((a, b) => a[0] - b[0])) {
    if (others.has(num)) continue;
    const to = end.get(from) ?? from;
    hash.update(`${num}:${to - from}:`).update(bytes.subarray(from, to));
  }
  // The header (version, binary marker) before the first object.
  return hash.update(bytes.subarray(0, starts[0])).digest('base64url');
}
