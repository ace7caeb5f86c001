/**
 * Tagging's cost in statement render throughput (issue 22): `bench/tagging-ab.ts` run as child
 * processes, one per split (see its header), summed. Used by tagging-ab itself and by `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TAGGING_AB = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tagging-ab.ts');

/** One split's sums for a locale (wall and CPU ms per side: tagged, untagged), as a child prints them. */
export interface SplitSums {
  locale: string;
  split: number;
  wall: [number, number];
  cpu: [number, number];
}

export interface TaggingThroughput {
  locale: string;
  /** Statements per side (N per process, summed over the processes). */
  docs: number;
  /** Wall-clock docs/s. */
  tagged: number;
  untagged: number;
  /** CPU ms per statement (all threads). */
  taggedCpu: number;
  untaggedCpu: number;
  /** Each process's untagged/tagged wall-clock ratio. */
  perProcess: number[];
}

/** Runs `rounds` × both splits of `n` pairs per locale, each in its own process (tsx, as this one). */
export function measureTaggingThroughput(
  locales: readonly string[],
  n: number,
  rounds = 1,
): TaggingThroughput[] {
  const sums: SplitSums[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const split of [0, 1]) {
      const out = execFileSync(process.execPath, [...process.execArgv, TAGGING_AB], {
        env: { ...process.env, SPLIT: String(split), N: String(n), LOCALES: locales.join(','), BEST: '0' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      for (const line of out.split('\n')) if (line.startsWith('{')) sums.push(JSON.parse(line) as SplitSums);
    }
  }
  return locales.map((locale) => {
    const mine = sums.filter((s) => s.locale === locale);
    const total = (pick: (s: SplitSums) => number): number => mine.reduce((a, s) => a + pick(s), 0);
    const docs = n * mine.length;
    return {
      locale,
      docs,
      tagged: (docs * 1000) / total((s) => s.wall[0]),
      untagged: (docs * 1000) / total((s) => s.wall[1]),
      taggedCpu: total((s) => s.cpu[0]) / docs,
      untaggedCpu: total((s) => s.cpu[1]) / docs,
      perProcess: mine.map((s) => s.wall[1] / s.wall[0]),
    };
  });
}

/** One line: both rates, the ratio (issue 22 asks ≥ 0.90), each process's ratio, CPU per statement. */
export function describeTaggingThroughput(t: TaggingThroughput): string {
  const ratio = t.tagged / t.untagged;
  return `${t.locale} throughput, ${t.docs} statements per side: tagged ${t.tagged.toFixed(1)} docs/s, untagged ${t.untagged.toFixed(1)} docs/s (wall); tagged/untagged ${ratio.toFixed(3)} (tagging costs ${((1 - ratio) * 100).toFixed(1)} % of throughput; each process ${t.perProcess.map((r) => r.toFixed(3)).join(', ')}); CPU ${t.taggedCpu.toFixed(2)} / ${t.untaggedCpu.toFixed(2)} ms/doc (+${((t.taggedCpu / t.untaggedCpu - 1) * 100).toFixed(1)} %)`;
}
