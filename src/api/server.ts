import type { FastifyInstance } from 'fastify';
import { type BlobStore, brandSettingsOf } from '../archive/index.ts';
import { closeChannels, createChannels } from '../channels/heavy.ts';
import type { Config } from '../core/config.ts';
import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { derivePortalLinkKey, linkTrackingFromConfig, parseSuccessRules } from '../feedback/index.ts';
import { createOnDemandService } from '../on-demand/heavy.ts';
import { channelCodeSender, channelNoticeSender } from '../portal/index.ts';
import type { Store } from '../store/index.ts';
import { type BrandSource, loadBrandByName } from '../templates/index.ts';
import { buildApp } from './app.ts';
import { cjkFont } from './fonts/cjk-font.ts';
import { derivePortalKey } from './portal/portal-session.ts';

export interface ServeOptions {
  port: number;
  /** Loopback unless told otherwise: the call center's data does not belong on every interface. */
  host: string;
}

/** Builds the app from a runtime and listens; returns the app and the address it listens on. */
export async function startServer(
  rt: { config: Config; logger: Logger; store: Store; blobs: BlobStore },
  options: ServeOptions,
): Promise<{ app: FastifyInstance; url: string }> {
  // Short links, unsubscribe pages, portal sessions and document links all hang off one key.
  const tracking = linkTrackingFromConfig(rt.config);
  const trackingKey = tracking.key();
  const successRules = parseSuccessRules(rt.config.successEvents);
  // Sign-in codes go through the channels runs use (SMTP, Twilio); without either, no portal.
  const channels = createChannels(rt.config.channels);
  const canSendCodes = channels.sms !== undefined || channels.email !== undefined;
  // POST /api/communications: made and sent in this process, through the same channels.
  const onDemand = createOnDemandService({
    db: rt.store.db,
    blobs: rt.blobs,
    logger: rt.logger,
    channels,
    datasourcesDir: rt.config.datasourcesDir,
    brands: brandSettingsOf(rt.config),
    renderLimits: rt.config.renderLimits,
    // A statement or bill e-mail made on demand carries its signed portal link, as a run's does.
    tracking,
  });
  const app = buildApp({
    onDemand,
    db: rt.store.db,
    blobs: rt.blobs,
    logger: rt.logger,
    security: {
      rateLimit: rt.config.rateLimit,
      loginRateLimit: rt.config.loginRateLimit,
      ttlMinutes: rt.config.sessionTtlMinutes,
      cookieSecure: rt.config.cookieSecure,
    },
    datasourcesDir: rt.config.datasourcesDir,
    twilio: { authToken: rt.config.channels.twilioAuthToken, publicUrl: rt.config.channels.publicUrl },
    feedback: { trackingKey, successRules },
    studioTest: {
      channels,
      to: {
        ...(rt.config.channels.studioTestEmail ? { email: rt.config.channels.studioTestEmail } : {}),
        ...(rt.config.channels.studioTestPhone ? { sms: rt.config.channels.studioTestPhone } : {}),
      },
    },
    ...(canSendCodes
      ? {
          portal: {
            key: derivePortalKey(trackingKey),
            // The runs sign statement and bill e-mails' document links with the same derived key.
            linkKey: derivePortalLinkKey(trackingKey),
            sendCode: channelCodeSender(channels),
            sendNotice: channelNoticeSender(channels),
            successRules,
            brand: await portalBrand(rt),
          },
        }
      : {}),
  });
  app.addHook('onClose', async () => closeChannels(channels));
  const url = await app.listen({ port: options.port, host: options.host });
  // The CJK web font is built on first start (seconds; then read from its disk cache): begin now, in
  // the background, so the first agent's page does not wait for it.
  void cjkFont()
    .bytes()
    .catch((err: unknown) =>
      rt.logger.warn({ err: errorMessage(err) }, 'the CJK web font could not be built'),
    );
  return { app, url };
}

/** The portal's brand: MISSIVE_DEFAULT_BRAND; one that cannot be read leaves the plain look (said once). */
async function portalBrand(rt: { config: Config; logger: Logger }): Promise<BrandSource | undefined> {
  try {
    return await loadBrandByName(undefined, rt.config);
  } catch (err) {
    rt.logger.warn({ err: errorMessage(err) }, 'the portal is served without a brand');
    return undefined;
  }
}
