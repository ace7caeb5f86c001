/**
 * A programming error: a condition that only a bug in Missive (or a dependency that changed under
 * it) can break, such as a thread asked for a template it was never sent. Users cannot cause or fix
 * one, so it has no MissiveError code: the CLI prints its stack and the API answers 500
 * MSV_API_INTERNAL. Anything a user, an input file or the environment can cause is a MissiveError.
 */
export class InvariantError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvariantError';
  }
}

/** Throws an InvariantError with `message` unless `condition` holds. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
