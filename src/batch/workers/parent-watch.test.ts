import { describe, expect, it } from 'vitest';
import { exitWithParent } from './parent-watch.ts';

describe('exitWithParent', () => {
  it('exits when the parent pid changes (re-parented after the parent died)', async () => {
    let ppid = 100;
    const reasons: string[] = [];
    const stop = exitWithParent({
      parentPid: 100,
      everyMs: 10,
      exit: (r) => reasons.push(r),
      probe: { ppid: () => ppid, connected: () => true },
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(reasons).toEqual([]);
    ppid = 1;
    await new Promise((r) => setTimeout(r, 50));
    expect(reasons).toEqual(['its parent 100 is gone']);
    stop();
  });

  it('exits at once when the IPC channel closed before it was installed', () => {
    const reasons: string[] = [];
    exitWithParent({ exit: (r) => reasons.push(r), probe: { ppid: () => 7, connected: () => false } });
    expect(reasons).toHaveLength(1);
  });
});
