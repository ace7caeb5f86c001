/**
 * CPU seconds of processes from /proc (Linux): what the scaling benchmark splits a run's CPU by.
 * A process's own time (utime + stime) plus the time of the children it has waited for
 * (cutime + cstime), plus the same for its live descendants: PostgreSQL's backends come and go, and
 * the postmaster reaps them, so the postmaster's tree counts every backend's CPU, ended or not.
 */
import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (`getconf CLK_TCK`: 100 on Linux/x86 and arm64). */
const TICKS = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime..cstime fields 14–17.
  const at = (field: number) => Number(fields[field - 3]);
  return { ppid: at(4), ticks: at(14) + at(15) + at(16) + at(17) };
}

/** Every live process's parent, read once (a snapshot of /proc). */
function parentsNow(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) parents.set(Number(name), stat.ppid);
  }
  return parents;
}

/** CPU seconds of `pid` and its live descendants (each with its reaped children); 0 once it is gone. */
export function treeCpuSeconds(pid: number): number {
  const parents = parentsNow();
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of parents) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  let ticks = 0;
  for (const p of tree) ticks += readStat(p)?.ticks ?? 0;
  return ticks / TICKS;
}

/** The parent of `pid` (PostgreSQL: a backend's parent is the postmaster). */
export function parentOf(pid: number): number | undefined {
  return readStat(pid)?.ppid;
}
