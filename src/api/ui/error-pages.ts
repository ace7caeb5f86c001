import type { HtmlErrorRenderer } from '../plugins/errors.ts';
import { pathOf } from '../plugins/errors.ts';
import { pageContext, sendPage } from './layout.ts';
import { errorPage } from './pages/login.ts';

/** Browser routes (the UI, sign-in) asked for by a browser get their errors as a page in the user's language. */
export const renderHtmlError: HtmlErrorRenderer = (request, reply, status, body) => {
  const path = pathOf(request.url);
  const browser = path === '/' || path.startsWith('/ui/') || path === '/login' || path === '/logout';
  const wantsHtml =
    request.headers.accept?.includes('text/html') === true ||
    request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true;
  if (!browser || !wantsHtml) return undefined;
  return sendPage(
    reply,
    errorPage(pageContext(request), status, `${body.error.code}: ${body.error.message}`),
    status,
  );
};
