import cliProgress from 'cli-progress';

/** A progress bar on stderr when it is a terminal; a line every few seconds otherwise (CI logs). */
export interface ProgressBar {
  update(done: number, total: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

export function createProgressBar(label: string, extraFormat = ''): ProgressBar {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}${extraFormat}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, extra = {}) {
        if (!started) {
          bar.start(total, done, { rate: 0, ...extra });
          started = true;
        }
        bar.setTotal(total);
        bar.update(done, extra);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, total, extra = {}) {
      const now = Date.now();
      if (now - last < 5_000 && done < total) return;
      last = now;
      const details = Object.entries(extra)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      process.stderr.write(`${label}: ${done}/${total} ${details}\n`);
    },
    stop() {},
  };
}
