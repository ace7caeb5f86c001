import cliProgress from 'cli-progress';

/**
 * Progress on stderr that tells the truth (issue 18): counts in the unit of the work (rows, documents —
 * never bytes), redrawn ten times a second in a terminal, one line every 10 s otherwise (CI logs),
 * and always a last line at the final count. The ETA shows only once it means something.
 */
export interface ProgressBar {
  /**
   * Done so far of `total`. A total that is only an estimate (an import's rows, scaled from the
   * bytes read) is shown as `~N`; `undefined` when nothing can be said yet.
   */
  update(done: number, total: number | undefined, extra?: ProgressExtra, estimated?: boolean): void;
  /** The last word: prints `done/total` (total defaults to done) once, whatever the throttle. */
  finish(done: number, total?: number, extra?: ProgressExtra): void;
  /** Ends the display at the last count given (finish was not reached: an error, a pause). */
  stop(): void;
}

/** Named counts shown after the rate, e.g. `{ rejected: 3 }` → `rejected 3`. */
export type ProgressExtra = Readonly<Record<string, number>>;

export interface ProgressBarOptions {
  /** `importing`, `rendering`, `loading accounts/transactions`. */
  label: string;
  /** `rows`, `documents`. */
  unit: string;
  /** Draw a bar (default: stderr is a terminal). */
  tty?: boolean;
  stream?: NodeJS.WritableStream;
  /** Without a terminal: at most one line this often (default 10 s). */
  lineEveryMs?: number;
  /**
   * The count the work starts from when the bar is made (an import: 0 rows), so time and rate run
   * from now. Unset: from the first update, whose count was done before (a resumed run).
   */
  countFrom?: number;
  now?: () => number;
}

/** What the display knows; `formatProgress` turns it into a line. */
export interface ProgressState {
  label: string;
  unit: string;
  done: number;
  total: number | undefined;
  estimated: boolean;
  extra: ProgressExtra;
  /** When the first count arrived, and what it was (work found done before does not make a rate). */
  startedAt: number;
  doneAtStart: number;
  now: number;
  final: boolean;
}

/** Under this, or before this share is done, an ETA is a guess: it is not shown. */
const ETA_AFTER_MS = 3_000;
const ETA_AFTER_SHARE = 0.05;

/** Per second since the first count; undefined during the first second (one sample is no rate) but at the end. */
export function progressRate(s: ProgressState): number | undefined {
  const elapsed = s.now - s.startedAt;
  if (elapsed < 1_000 && !(s.final && elapsed > 0)) return undefined;
  return ((s.done - s.doneAtStart) / elapsed) * 1000;
}

/** Seconds left, once meaningful: 3 s of measurement, 5 % done, a rate above zero, a total. */
export function progressEta(s: ProgressState): number | undefined {
  const rate = progressRate(s);
  if (s.final || s.total === undefined || rate === undefined || rate <= 0) return undefined;
  if (s.now - s.startedAt < ETA_AFTER_MS || s.done - s.doneAtStart < s.total * ETA_AFTER_SHARE)
    return undefined;
  return Math.max(0, (s.total - s.done) / rate);
}

/**
 * One line of progress, e.g. `rendering 250/500 documents (50%) | 83.1 documents/s | ETA 3 s | failed 0`;
 * the last one says how long it took instead of the ETA.
 *
 * @example formatProgress({ label: 'importing', unit: 'rows', done: 200, total: 200, final: true, … })
 * // 'importing 200/200 rows (100%) | 150.2 rows/s | 1.3 s | rejected 0'
 */
export function formatProgress(s: ProgressState, bar = ''): string {
  const n = (x: number) => x.toLocaleString('en-GB');
  const total = s.total === undefined ? '?' : `${s.estimated ? '~' : ''}${n(s.total)}`;
  const share = s.total ? ` (${Math.min(100, Math.floor((s.done / s.total) * 100))}%)` : '';
  const parts = [`${s.label} ${bar ? `${bar} ` : ''}${n(s.done)}/${total} ${s.unit}${share}`];
  const rate = progressRate(s);
  parts.push(rate === undefined ? `— ${s.unit}/s` : `${rate.toFixed(1)} ${s.unit}/s`);
  if (s.final) parts.push(`${((s.now - s.startedAt) / 1000).toFixed(1)} s`);
  else {
    const eta = progressEta(s);
    if (eta !== undefined) parts.push(`ETA ${formatSeconds(eta)}`);
  }
  for (const [k, v] of Object.entries(s.extra)) parts.push(`${k} ${n(v)}`);
  return parts.join(' | ');
}

function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * The rows a file holds, while it is read: known once it is read to its end, else the rows so far
 * scaled by the bytes read (whatever the encoding), shown as an estimate; undefined before a row.
 */
export function estimateRows(p: { rows: number; bytesRead: number; totalBytes: number }): {
  total: number | undefined;
  estimated: boolean;
} {
  if (p.bytesRead >= p.totalBytes) return { total: p.rows, estimated: false };
  if (p.rows === 0 || p.bytesRead === 0) return { total: undefined, estimated: true };
  return { total: Math.max(p.rows, Math.round((p.rows * p.totalBytes) / p.bytesRead)), estimated: true };
}

export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const now = options.now ?? Date.now;
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? (stream as NodeJS.WriteStream).isTTY === true;
  const createdAt = now();
  let state: ProgressState | undefined;
  const set = (
    done: number,
    total: number | undefined,
    extra: ProgressExtra | undefined,
    estimated: boolean,
  ) => {
    const t = now();
    state = state
      ? { ...state, done, total, estimated, extra: extra ?? state.extra, now: t }
      : {
          label: options.label,
          unit: options.unit,
          done,
          total,
          estimated,
          extra: extra ?? {},
          startedAt: options.countFrom === undefined ? t : createdAt,
          doneAtStart: options.countFrom ?? done,
          now: t,
          final: false,
        };
    return state;
  };
  const display = tty
    ? terminalDisplay(stream, () => state, now)
    : lineDisplay(stream, options.lineEveryMs ?? 10_000);
  return {
    update(done, total, extra, estimated = false) {
      if (state?.final) return;
      display.show(set(done, total, extra, estimated));
    },
    finish(done, total = done, extra) {
      if (state?.final) return;
      const s = set(done, total, extra, false);
      state = { ...s, final: true };
      display.end(state);
    },
    stop() {
      if (!state || state.final) return;
      state = { ...state, now: now(), final: true };
      display.end(state);
    },
  };
}

interface Display {
  show(s: ProgressState): void;
  end(s: ProgressState): void;
}

/** cli-progress redraws on its own timer (10/s), reading the state each time, so the rate and ETA move. */
function terminalDisplay(
  stream: NodeJS.WritableStream,
  current: () => ProgressState | undefined,
  now: () => number,
): Display {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      hideCursor: true,
      fps: 10,
      barsize: 24,
      format: (opts, params) => {
        const s = current();
        if (!s) return '';
        const known = s.total !== undefined && s.total > 0;
        const drawn = cliProgress.Format.BarFormat(
          known ? Math.min(1, s.done / s.total!) : params.progress,
          opts,
        );
        return formatProgress(s.final ? s : { ...s, now: now() }, `[${drawn}]`);
      },
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    show(s) {
      const total = Math.max(1, s.total ?? s.done);
      if (!started) {
        bar.start(total, s.done);
        started = true;
      }
      bar.setTotal(total);
      bar.update(s.done);
    },
    end(s) {
      this.show(s);
      bar.stop(); // draws once more, from the final state, and ends the line
    },
  };
}

/** Without a terminal: a line at most every `everyMs`, and the final line always. */
function lineDisplay(stream: NodeJS.WritableStream, everyMs: number): Display {
  let last: number | undefined;
  return {
    show(s) {
      last ??= s.startedAt;
      if (s.now - last < everyMs) return;
      last = s.now;
      stream.write(`${formatProgress(s)}\n`);
    },
    end(s) {
      stream.write(`${formatProgress(s)}\n`);
    },
  };
}
