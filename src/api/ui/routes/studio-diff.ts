import type { FastifyInstance, FastifyReply } from 'fastify';
import { lastDayOfPreviousMonth } from '../../../core/dates.ts';
import { MissiveError } from '../../../core/errors.ts';
import { firstPagePng, firstPagesPixelDiff, resolveFileSet } from '../../../studio/heavy.ts';
import { diffFiles, diffLocale, pageComparison } from '../../../studio/index.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { pageContext, sendPage } from '../layout.ts';
import { diffPage } from '../pages/studio.ts';

type DiffQuery = { Querystring: { a?: string; b?: string; ref?: string; locale?: string } };

/** A version id or `draft:ID` from the query, or MSV_API_BAD_REQUEST naming the field. */
function needRef(value: string | undefined, field: string): string {
  if (!value || value.length > 200)
    throw new MissiveError('MSV_API_BAD_REQUEST', `${field}: a version id or draft:ID`, { field });
  return value;
}

function sendPng(reply: FastifyReply, png: Buffer): FastifyReply {
  return reply.header('content-type', 'image/png').header('cache-control', 'no-store').send(png);
}

/**
 * The studio's diff of two versions (published `name@hash` or `draft:ID`; studio area): the text
 * files line by line (src/studio/version-diff.ts), and the first print page of each side by side
 * with the changed pixels marked (src/studio/page-diff.ts), rendered as a run today would.
 */
export function studioDiffPages(app: FastifyInstance): void {
  const { db, now } = app.studio;
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };
  const asOf = () => lastDayOfPreviousMonth(now());

  app.get<DiffQuery>('/ui/studio/diff', options, async (request, reply) => {
    const a = await resolveFileSet(db, needRef(request.query.a, 'a'));
    const b = await resolveFileSet(db, needRef(request.query.b, 'b'));
    const pages = pageComparison(b.templateName, b.files, request.query.locale);
    return sendPage(reply, diffPage(pageContext(request), a.ref, b.ref, diffFiles(a.files, b.files), pages));
  });

  app.get<DiffQuery>('/ui/studio/diff/page', options, async (request, reply) => {
    const set = await resolveFileSet(db, needRef(request.query.ref, 'ref'));
    return sendPng(
      reply,
      await firstPagePng(db, set, { locale: diffLocale(request.query.locale), asOf: asOf() }),
    );
  });

  app.get<DiffQuery>('/ui/studio/diff/pixels', options, async (request, reply) => {
    const [a, b] = await Promise.all([
      resolveFileSet(db, needRef(request.query.a, 'a')),
      resolveFileSet(db, needRef(request.query.b, 'b')),
    ]);
    const locale = diffLocale(request.query.locale);
    const { png, changed } = await firstPagesPixelDiff(db, a, b, { locale, asOf: asOf() });
    return sendPng(reply.header('x-missive-changed-pixels', String(changed)), png);
  });
}
