import type { Config } from '../core/config.ts';
import { loadTrackingKey } from './tracking-token.ts';

/**
 * What a run needs to track a marketing e-mail or SMS: the public base URL the short links live
 * under, how long they stay valid, and the tracking key — read, or created, the first time a
 * document needs it (a statement run never creates one).
 */
export interface LinkTracking {
  /** MISSIVE_PUBLIC_URL: where the API serves /t/<code> and /o/<code>.gif. */
  baseUrl: string;
  ttlDays: number;
  /**
   * How long a statement or bill e-mail's signed portal link opens its document
   * (MISSIVE_PORTAL_LINK_DAYS; default 60). Signed with a key derived from the tracking key.
   */
  portalLinkDays?: number;
  key(): Uint8Array;
}

/** Link tracking as configured: public base URL, link lifetime, and the tracking key, loaded on first use. */
export function linkTrackingFromConfig(
  config: Pick<
    Config,
    'trackingKey' | 'trackingKeyFile' | 'trackingLegacyKeyFile' | 'trackingTtlDays' | 'portalLinkDays'
  > & {
    channels: Pick<Config['channels'], 'publicUrl'>;
  },
): LinkTracking {
  let key: Uint8Array | undefined;
  return {
    baseUrl: config.channels.publicUrl,
    ttlDays: config.trackingTtlDays,
    portalLinkDays: config.portalLinkDays,
    key: () => {
      key ??= loadTrackingKey({
        configured: config.trackingKey,
        keyFile: config.trackingKeyFile,
        legacyKeyFile: config.trackingLegacyKeyFile,
      });
      return key;
    },
  };
}
