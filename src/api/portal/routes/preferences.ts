import type { FastifyInstance } from 'fastify';
import { CHANNEL_KINDS, type ChannelKind } from '../../../core/types.ts';
import { portalLocaleOf } from '../../../portal/code-message.ts';
import {
  getPreferences,
  preferenceHistory,
  savePreferences,
  unsubscribeAll,
} from '../../../portal/preferences.ts';
import { newSecret } from '../../auth/secrets.ts';
import { portalContext } from '../context.ts';
import { sendPortalPage } from '../layout.ts';
import { preferencesPage } from '../pages/preferences.ts';
import type { PortalDeps } from '../plugin.ts';

const customer = { public: true, portal: 'customer' } as const;
const changeId = { type: 'string', minLength: 16, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' } as const;

interface PreferencesBody {
  change: string;
  paperless?: string;
  marketing?: string | string[];
  locale?: string;
}

/** The form's checkboxes: a missing field is "off", one value is a string, several an array. */
function marketingOf(value: string | string[] | undefined): Record<ChannelKind, boolean> {
  const on = new Set(value === undefined ? [] : [value].flat());
  return Object.fromEntries(CHANNEL_KINDS.map((c) => [c, on.has(c)])) as Record<ChannelKind, boolean>;
}

/** Preferences: the form, its post (each change an event with history), unsubscribe from all. */
export function registerPortalPreferenceRoutes(app: FastifyInstance, deps: PortalDeps): void {
  app.get<{ Querystring: { saved?: string } }>(
    '/portal/preferences',
    {
      config: customer,
      schema: { tags: ['portal'], summary: "The customer's preferences and their history" },
    },
    async (request, reply) => {
      const id = request.portalCustomer!.customerId;
      const [prefs, history] = await Promise.all([
        getPreferences(deps.db, id),
        preferenceHistory(deps.db, id),
      ]);
      if (!prefs) return reply.redirect('/portal/sign-in', 303);
      return sendPortalPage(
        reply,
        preferencesPage(portalContext(request), prefs, history, {
          changeId: newSecret(),
          saved: request.query.saved === '1',
        }),
      );
    },
  );

  app.post<{ Body: PreferencesBody }>(
    '/portal/preferences',
    {
      config: customer,
      schema: {
        tags: ['portal'],
        summary: 'Save paperless, marketing consent per channel and the preferred language',
        body: {
          type: 'object',
          required: ['change'],
          properties: {
            change: changeId,
            _csrf: { type: 'string' },
            paperless: { type: 'string', enum: ['on'] },
            marketing: {
              anyOf: [
                { type: 'string', enum: [...CHANNEL_KINDS] },
                { type: 'array', items: { type: 'string', enum: [...CHANNEL_KINDS] }, maxItems: 3 },
              ],
            },
            locale: { type: 'string', enum: ['en-GB', 'zh-CN'] },
          },
        },
      },
    },
    async (request, reply) => {
      const id = request.portalCustomer!.customerId;
      const current = await getPreferences(deps.db, id);
      await savePreferences(
        deps.db,
        id,
        {
          paperless: request.body.paperless === 'on',
          marketing: marketingOf(request.body.marketing),
          locale: portalLocaleOf(request.body.locale ?? current?.locale),
        },
        { changeId: request.body.change, at: deps.now() },
      );
      return reply.redirect('/portal/preferences?saved=1', 303);
    },
  );

  app.post<{ Body: { change: string } }>(
    '/portal/preferences/unsubscribe-all',
    {
      config: customer,
      schema: {
        tags: ['portal'],
        summary: 'Unsubscribe from all marketing on every channel',
        body: {
          type: 'object',
          required: ['change'],
          properties: { change: changeId, _csrf: { type: 'string' } },
        },
      },
    },
    async (request, reply) => {
      await unsubscribeAll(deps.db, request.portalCustomer!.customerId, {
        changeId: request.body.change,
        at: deps.now(),
      });
      return reply.redirect('/portal/preferences?saved=1', 303);
    },
  );
}
