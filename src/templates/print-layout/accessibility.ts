import { formatPath, type Problem } from '../issues.ts';
import type { SourceFile } from '../source-file.ts';
import type { PrintLayout } from './schema.ts';
import { walk } from './walk.ts';

/** Block types drawn as a Figure in a tagged PDF; each needs alternative text (a logo has the brand's). */
const FIGURES = new Set(['image', 'chart', 'qr', 'barcode']);

/**
 * A tagged layout (`document.tagged`) must give every figure its alternative text (`alt:`), or a
 * screen reader has nothing to say for it (PDF/UA-1, Matterhorn 13-004). One problem per figure,
 * with its path and line, so `templates lint` names them all.
 */
export function accessibilityProblems(layout: PrintLayout, source: SourceFile): Problem[] {
  if (!layout.document.tagged) return [];
  const problems: Problem[] = [];
  walk(layout, (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const block = value as { type?: unknown; alt?: unknown };
    if (typeof block.type !== 'string' || !FIGURES.has(block.type) || block.alt !== undefined) return;
    const message = `${block.type === 'image' ? 'an' : 'a'} ${block.type} in a tagged document needs alt text (alt: "{{t '…'}}")`;
    const line = source.lineOf(path);
    problems.push(
      line === undefined ? { path: formatPath(path), message } : { path: formatPath(path), message, line },
    );
  });
  return problems;
}
