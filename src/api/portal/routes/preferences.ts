import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CHANNEL_KINDS, type ChannelKind } from '../../../core/types.ts';
import {
  contactOnFile,
  getPreferences,
  type PreferenceForm,
  type PreferenceNotice,
  portalLocaleOf,
  preferenceHistory,
  savePreferences,
  unsubscribeAll,
} from '../../../portal/index.ts';
import { getCustomer } from '../../../store/index.ts';
import { newSecret } from '../../auth/secrets.ts';
import { sendPage } from '../../ui/layout.ts';
import { portalContext } from '../context.ts';
import { preferencesPage } from '../pages/preferences.ts';

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

/** The notice of what a saved form changed (savePreferences names the changed fields). */
export function noticeOf(changed: readonly string[], form: PreferenceForm): PreferenceNotice {
  const marketing = Object.fromEntries(
    CHANNEL_KINDS.filter((c) => changed.includes(`marketing.${c}`)).map((c) => [c, form.marketing[c]]),
  );
  return {
    ...(changed.includes('paperless') ? { paperless: form.paperless } : {}),
    ...(Object.keys(marketing).length > 0 ? { marketing } : {}),
    ...(changed.includes('locale') ? { locale: form.locale } : {}),
  };
}

/**
 * Confirms a change to the contact on file (e-mail first, else SMS), in the customer's language,
 * after the answer; without a notice sender or a contact, nothing is sent.
 */
function confirm(
  deps: FastifyInstance['portal'],
  request: FastifyRequest,
  customerId: string,
  notice: PreferenceNotice,
): void {
  const send = deps.sendNotice;
  if (!send) return;
  deps.background(
    async () => {
      const customer = await getCustomer(deps.db, customerId);
      const contact = customer ? contactOnFile(customer, 'email') : undefined;
      if (!customer || !contact) return;
      await send({
        ...contact,
        name: customer.name,
        timeZone: customer.timeZone,
        locale: portalLocaleOf(customer.locale),
        notice,
      });
    },
    'portal preference confirmation',
    request.log,
  );
}

/** Preferences: the form, its post (each change an event with history), unsubscribe from all. */
export function portalPreferenceRoutes(app: FastifyInstance): void {
  const deps = app.portal;
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
      return sendPage(
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
      const form: PreferenceForm = {
        paperless: request.body.paperless === 'on',
        marketing: marketingOf(request.body.marketing),
        locale: portalLocaleOf(request.body.locale ?? current?.locale),
      };
      const { changed } = await savePreferences(deps.db, id, form, {
        changeId: request.body.change,
        at: deps.now(),
      });
      if (changed.length > 0) confirm(deps, request, id, noticeOf(changed, form));
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
      const id = request.portalCustomer!.customerId;
      const { recorded } = await unsubscribeAll(deps.db, id, {
        changeId: request.body.change,
        at: deps.now(),
      });
      if (recorded) confirm(deps, request, id, { unsubscribedAll: true });
      return reply.redirect('/portal/preferences?saved=1', 303);
    },
  );
}
