import { closest, distance } from 'fastest-levenshtein';

/**
 * The known name closest to a misspelt one, when it is close enough to be a slip: at most 2 edits,
 * or a third of the name's length (case-insensitive). Undefined when nothing is that close.
 *
 * @example didYouMean('monthly-statment', ['monthly-statement', 'telecom-bill']) // 'monthly-statement'
 */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  const candidates = known.filter((k) => k !== '' && k !== name);
  if (candidates.length === 0 || name === '') return undefined;
  const lower = name.toLowerCase();
  const best = closest(
    lower,
    candidates.map((c) => c.toLowerCase()),
  );
  const found = candidates.find((c) => c.toLowerCase() === best)!;
  return distance(lower, best) <= Math.max(2, Math.floor(name.length / 3)) ? found : undefined;
}

/** ` Did you mean X?` for the end of a message, or '' when no known name is close. */
export function didYouMeanSentence(name: string, known: readonly string[]): string {
  const guess = didYouMean(name, known);
  return guess === undefined ? '' : ` Did you mean ${guess}?`;
}
