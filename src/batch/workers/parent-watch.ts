/**
 * A child process that must not outlive its parent (issue 17: a render child outlived `kill -9` of
 * its run and spun at 100 % CPU for minutes writing to the closed pipe, holding the SQLite file
 * open). Three signs of a dead parent, whichever comes first, each ends the child:
 * - the IPC channel closes (`disconnect`; or it was closed before this was installed);
 * - the parent pid changes (the child was re-parented to init or a subreaper), checked every `everyMs`
 *   — this also catches a parent that died while the child was still loading;
 * - stdout or stderr fails with EPIPE (the reading end is gone): stop instead of writing again.
 * Returns a function that stops watching.
 *
 * It runs on the main thread, so it is the quick way out, not the guarantee: a busy main thread never
 * runs its timer, and `process.exit` can itself hang in an `exit` handler (pino's flush to a dead
 * pipe). In render sandboxes orphan-guard.mjs, preloaded, is the backstop (SIGKILL from its own thread).
 */
export interface ParentWatchOptions {
  /** The parent's pid as the parent saw it (default: the parent pid now). */
  parentPid?: number | undefined;
  /** Default 1 s: the child is gone well within 5 s of its parent. */
  everyMs?: number;
  exit?: (reason: string) => void;
  /** For tests: what the checks read. */
  probe?: { ppid(): number; connected(): boolean | undefined };
}

export function exitWithParent(options: ParentWatchOptions = {}): () => void {
  const probe = options.probe ?? {
    ppid: () => process.ppid,
    connected: () => (process.send ? process.connected : undefined),
  };
  const parentPid = options.parentPid ?? probe.ppid();
  let done = false;
  const exit = (reason: string) => {
    if (done) return;
    done = true;
    stop();
    (options.exit ?? defaultExit)(reason);
  };
  const onDisconnect = () => exit('the IPC channel to the parent closed');
  const onPipeError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') exit('its output pipe is closed');
  };
  const check = () => {
    if (probe.connected() === false) exit('the IPC channel to the parent is closed');
    else if (probe.ppid() !== parentPid) exit(`its parent ${parentPid} is gone`);
  };
  const timer = setInterval(check, options.everyMs ?? 1_000);
  timer.unref();
  process.once('disconnect', onDisconnect);
  process.stdout.on('error', onPipeError);
  process.stderr.on('error', onPipeError);
  function stop() {
    clearInterval(timer);
    process.off('disconnect', onDisconnect);
    process.stdout.off('error', onPipeError);
    process.stderr.off('error', onPipeError);
  }
  check();
  return stop;
}

/** Exit without writing anything ourselves: the pipes may be gone (exit handlers still run). */
function defaultExit(): void {
  process.exit(0);
}
