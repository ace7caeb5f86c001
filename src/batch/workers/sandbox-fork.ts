import { fileURLToPath } from 'node:url';

/** The preload that ends a sandbox child within a second of its parent, whatever it is doing. */
export const ORPHAN_GUARD = fileURLToPath(new URL('./orphan-guard.mjs', import.meta.url));

/**
 * The `execArgv` of a render sandbox child: the parent's own (as BullMQ passes them, e.g. tsx's
 * `--import`), then the orphan guard, preloaded before BullMQ's main.js so it covers a child whose
 * parent dies before sending `Init` too. Passing execArgv replaces BullMQ's, which only differ for
 * `--inspect*` (each child gets a free port): those are dropped here, a debugger is attached to the
 * parent, not to a pool of children.
 */
export function sandboxExecArgv(parentExecArgv: readonly string[] = process.execArgv): string[] {
  return [...parentExecArgv.filter((arg) => !arg.startsWith('--inspect')), '--import', ORPHAN_GUARD];
}
