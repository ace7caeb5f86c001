import fs from 'node:fs';
import path from 'node:path';

/**
 * The top-level folders of this machine (`/home`, `/work`, `/tmp`…): a path under one of them in an
 * answer tells a browser where the server keeps its files. URL paths (`/api/runs`, `/ui/…`) do not
 * start with one, so they stay.
 */
const ROOTS = new Set(
  (() => {
    try {
      return fs.readdirSync('/');
    } catch {
      return [];
    }
  })(),
);

const POSIX_PATH = /(?<![\w.:/-])\/([\w.@+-]+)((?:\/[\w.@+-]*)*)/g;
const WINDOWS_PATH = /\b[A-Za-z]:\\(?:[^\\\s"'<>|:*?]+\\)*([^\\\s"'<>|:*?]*)/g;

/**
 * Text with every server file path shortened to its last part (`/work/missive/templates/x` →
 * `…/x`), for anything an HTTP answer carries: error messages and details (issue 18: a studio error
 * showed the server's folder to the browser).
 *
 * @example withoutServerPaths('no folder at /srv/missive/templates/x') // 'no folder at …/x'
 */
export function withoutServerPaths(text: string): string {
  return text
    .replace(POSIX_PATH, (whole, first: string, rest: string) =>
      ROOTS.has(first) ? `…/${path.posix.basename(`/${first}${rest}`) || first}` : whole,
    )
    .replace(WINDOWS_PATH, (_whole, last: string) => `…\\${last}`);
}
