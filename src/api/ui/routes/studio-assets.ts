import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import { listDrafts } from '../../../store/index.ts';
import {
  addAssetToDraft,
  canApprove,
  latestCatalog,
  listAssets,
  publishOfferImage,
  readAsset,
  uploadAsset,
} from '../../../studio/heavy.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { studioActor } from '../../routes/studio.ts';
import { assetStrings } from '../i18n/studio-assets.ts';
import { pageContext, sendPage } from '../layout.ts';
import { assetsPage } from '../pages/studio-assets.ts';
import { studioBrandPages } from './studio-brand.ts';
import { studioNewOfferPages } from './studio-offer-new.ts';

/** A form upload: the file and the other fields (the CSRF token among them). */
interface UploadBody {
  _csrf?: string;
  file?: { name: string; bytes: Buffer };
}

/** Uploads are at most 2 MB (asset-check.ts); the form around them gets a little more. */
const UPLOAD_BODY_LIMIT = 2 * 1024 * 1024 + 64 * 1024;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Parses multipart/form-data with the runtime's own Fetch API (Response.formData: the same parser
 * browsers' fetch uses), so no multipart package is needed; the body limit is checked first.
 */
async function parseUpload(request: FastifyRequest, body: Buffer): Promise<UploadBody> {
  const contentType = request.headers['content-type'] ?? '';
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new MissiveError('MSV_API_BAD_REQUEST', 'file: the upload is not a readable multipart form', {
      field: 'file',
    });
  }
  const out: UploadBody = {};
  const csrf = form.get('_csrf');
  if (typeof csrf === 'string') out._csrf = csrf;
  const file = form.get('file');
  if (file !== null && typeof file !== 'string') {
    out.file = { name: file.name, bytes: Buffer.from(await file.arrayBuffer()) };
  }
  return out;
}

/**
 * The studio's asset library pages (studio area, an encapsulated plugin so its multipart parser stays
 * here): the library with its upload form, each image's bytes, adding an image to a template draft,
 * and giving an offer a picture (approvers; the catalog is published as with the offer editor).
 */
export const studioAssetPages: FastifyPluginAsync = async (app) => {
  const { db, now } = app.studio;
  studioBrandPages(app);
  studioNewOfferPages(app);
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };

  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: UPLOAD_BODY_LIMIT },
    (request, body, done) => {
      parseUpload(request, body as Buffer).then(
        (parsed) => done(null, parsed),
        (error: unknown) => done(error as Error),
      );
    },
  );

  const libraryPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { message?: string; done?: string; status?: number } = {},
  ) => {
    const drafts = (await listDrafts(db)).filter((d) => d.status === 'draft');
    let offers: Awaited<ReturnType<typeof latestCatalog>>['catalog']['offers'] = [];
    try {
      offers = (await latestCatalog(db)).catalog.offers;
    } catch (error) {
      if (!isMissiveError(error) || error.code !== 'MSV_RULES_NOT_PUBLISHED') throw error;
    }
    return sendPage(
      reply,
      assetsPage(pageContext(request), await listAssets(db), {
        message: extra.message,
        done: extra.done,
        drafts,
        offers,
        canPublish: await canApprove(db, studioActor(request)),
      }),
      extra.status,
    );
  };

  app.get<{ Querystring: { uploaded?: string; added?: string } }>(
    '/ui/studio/assets',
    options,
    async (request, reply) => {
      const a = assetStrings(pageContext(request).locale);
      const { uploaded, added } = request.query;
      const done = uploaded
        ? `${a.uploaded}: ${uploaded.slice(0, 100)}`
        : added
          ? `${a.added}: ${added.slice(0, 200)}`
          : undefined;
      return libraryPage(request, reply, done ? { done } : {});
    },
  );

  app.post<{ Body: UploadBody }>('/ui/studio/assets', options, async (request, reply) => {
    try {
      const file = request.body?.file;
      if (!file || file.bytes.length === 0) {
        throw new MissiveError('MSV_API_BAD_REQUEST', 'file: choose an image to upload', { field: 'file' });
      }
      const asset = await uploadAsset(db, studioActor(request), file.name, file.bytes);
      return reply.redirect(`/ui/studio/assets?uploaded=${encodeURIComponent(asset.name)}`, 303);
    } catch (error) {
      if (!isMissiveError(error)) throw error;
      return libraryPage(request, reply, { message: error.message, status: error.statusCode });
    }
  });

  app.get<{ Params: { file: string } }>('/ui/studio/assets/:file', options, async (request, reply) => {
    const [sha256, ext] = request.params.file.split('.');
    if (!sha256 || !SHA256.test(sha256)) throw new MissiveError('MSV_API_NOT_FOUND', 'no such asset');
    const { asset, bytes } = await readAsset(db, { sha256 });
    if (ext !== (asset.kind === 'jpeg' ? 'jpg' : 'png'))
      throw new MissiveError('MSV_API_NOT_FOUND', 'no such asset');
    return reply
      .header('content-type', asset.kind === 'jpeg' ? 'image/jpeg' : 'image/png')
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(bytes);
  });

  app.post<{ Params: { sha256: string }; Body: { draft?: string; folder?: string } }>(
    '/ui/studio/assets/:sha256/to-draft',
    options,
    async (request, reply) => {
      try {
        const { asset } = await readAsset(db, { sha256: request.params.sha256 });
        const draft = request.body?.draft ?? '';
        const file = await addAssetToDraft(db, studioActor(request), draft, asset.name, request.body?.folder);
        return reply.redirect(`/ui/studio/assets?added=${encodeURIComponent(`${draft}: ${file}`)}`, 303);
      } catch (error) {
        if (!isMissiveError(error)) throw error;
        return libraryPage(request, reply, { message: error.message, status: error.statusCode });
      }
    },
  );

  const publishPicture = async (
    request: FastifyRequest,
    reply: FastifyReply,
    offerId: string,
    name: string,
  ) => {
    try {
      const asOf = now().toISOString().slice(0, 10);
      const result = await publishOfferImage(db, studioActor(request), offerId, name, asOf);
      return reply.redirect(
        `/ui/studio/offers/${encodeURIComponent(offerId)}?published=${encodeURIComponent(result.catalogVersion.id)}`,
        303,
      );
    } catch (error) {
      if (!isMissiveError(error)) throw error;
      return libraryPage(request, reply, {
        message: `${offerId}: ${error.message}`,
        status: error.statusCode,
      });
    }
  };

  app.post<{ Params: { sha256: string }; Body: { offer?: string } }>(
    '/ui/studio/assets/:sha256/to-offer',
    options,
    async (request, reply) => {
      const { asset } = await readAsset(db, { sha256: request.params.sha256 });
      return publishPicture(request, reply, request.body?.offer ?? '', asset.name);
    },
  );

  app.post<{ Params: { id: string }; Body: { asset?: string } }>(
    '/ui/studio/offers/:id/picture',
    options,
    async (request, reply) => publishPicture(request, reply, request.params.id, request.body?.asset ?? ''),
  );
};

/** Registers the asset pages in the studio area (their own scope: the multipart parser stays in it). */
export function studioAssetArea(app: FastifyInstance): void {
  app.register(studioAssetPages);
}
