/**
 * An archived email made safe to show an agent: nothing in it may reach the network (a tracking
 * pixel or remote image would tell the sender the agent opened it, from the agent's address) and
 * no script may run. Remote `src`, `srcset`, `background` and CSS `url(...)` references are
 * replaced with an inert placeholder; scripts, iframes, objects and forms are removed. This is the
 * first line. http(s) links are made inert: a link in a sent marketing e-mail is the customer's
 * tracked link, and an agent's click must not count as the customer's. The page also goes out with
 * `Content-Security-Policy: default-src 'none'` and in an iframe with an empty `sandbox` attribute,
 * so what a regex misses the browser still blocks.
 * Hand-written: no HTML sanitiser is among the project's dependencies, and the CSP is what we rely on.
 */
/** A transparent 1×1 GIF. */
const BLOCKED_IMAGE = 'data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==';

const REMOTE = /^\s*(?:https?:|\/\/|ftp:)/i;

export function neutraliseEmailHtml(html: string): { html: string; blocked: number } {
  let blocked = 0;
  const block = () => {
    blocked += 1;
    return BLOCKED_IMAGE;
  };
  let out = html
    .replace(/<script\b[\s\S]*?<\/script\s*>/gi, '')
    .replace(/<(iframe|object|embed|form|base|link|meta)\b[^>]*>/gi, (tag) =>
      /^<meta\b/i.test(tag) && !/http-equiv/i.test(tag) ? tag : '',
    )
    .replace(/<\/(iframe|object|embed|form)\s*>/gi, '')
    .replace(/\son\w+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi, '');
  out = out.replace(
    /(\s(?:src|background|poster|data-src)\s*=\s*)(["']?)([^"'\s>]*)\2/gi,
    (all, attr: string, _quote: string, url: string) => (REMOTE.test(url) ? `${attr}"${block()}"` : all),
  );
  out = out.replace(/\ssrcset\s*=\s*(["'])[^"']*\1/gi, (all) => {
    if (!/(https?:)?\/\//i.test(all)) return all;
    block();
    return '';
  });
  out = out.replace(/url\(\s*(["']?)([^)"']*)\1\s*\)/gi, (all, _q: string, url: string) =>
    REMOTE.test(url) ? `url("${block()}")` : all,
  );
  // A link in a sent marketing e-mail is the customer's tracked link: an agent following it would
  // record the customer's click (and an offer's success). Links stay visible but inert.
  out = out.replace(/<(?:a|area)\b[^>]*>/gi, (tag) =>
    tag.replace(/\shref\s*=\s*(["'])\s*(?:https?:)?\/\/[^"']*\1/i, (attr) =>
      attr.replace(/\shref/i, ' data-inert-href'),
    ),
  );
  return { html: out, blocked };
}

/** The CSP the email frame is served with: nothing loads from anywhere, nothing runs. */
export const EMAIL_FRAME_CSP =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'";
