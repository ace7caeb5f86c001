/** The on-demand stage's public surface: other stages import on-demand only through this file (or heavy.ts). */
export { newWebhookSecret } from './webhook-signature.ts';
