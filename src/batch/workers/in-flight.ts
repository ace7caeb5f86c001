/**
 * The jobs a worker is running now, so a stop can wait for them: a forced BullMQ close does not wait
 * for its active jobs, and a send whose provider already has the message must still record the answer.
 */
export interface InFlight {
  /** Counts `work` as running until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves when every job running now (and any started meanwhile) has settled. */
  settled(): Promise<void>;
  size(): number;
}

export function inFlight(): InFlight {
  const running = new Set<Promise<unknown>>();
  return {
    track(work) {
      running.add(work);
      const done = () => void running.delete(work);
      work.then(done, done);
      return work;
    },
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    size: () => running.size,
  };
}
