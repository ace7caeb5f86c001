import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Channel } from '../../../channels/index.ts';
import { MissiveError } from '../../../core/errors.ts';
import type { ChannelKind } from '../../../core/types.ts';
import type { Database, DraftRecord } from '../../../store/index.ts';
import { renderDraftChannel } from '../../../studio/heavy.ts';

/** "Send me a test": the channels the server sends with (SMTP, Twilio) and the configured test addresses. */
export interface StudioTestSend {
  channels: Partial<Record<ChannelKind, Channel>>;
  /** MISSIVE_STUDIO_TEST_EMAIL / MISSIVE_STUDIO_TEST_PHONE: where a test goes when the form names nobody. */
  to: Partial<Record<'email' | 'sms', string>>;
}

const TESTABLE = ['email', 'sms'] as const;
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,190}\.[a-z]{2,}$/i;
const PHONE = /^\+[1-9]\d{6,14}$/;

/** The template's channels a test can go to on this server (e-mail and SMS, when configured). */
export function testChannelsOf(app: FastifyInstance, channels: readonly ChannelKind[]): string[] {
  const configured = app.studio.testSend?.channels ?? {};
  return TESTABLE.filter((c) => channels.includes(c) && configured[c] !== undefined);
}

/**
 * Renders the draft for the proof's data and locale on one channel and sends it once to `to` (or the
 * configured test address): a service message with a key of its own, not a communication.
 * @throws MissiveError MSV_API_BAD_REQUEST naming `channel` or `to`, MSV_CHANNEL_NOT_CONFIGURED,
 *   MSV_CHANNEL_REJECTED when the provider refuses it.
 */
export async function sendDraftTest(
  app: FastifyInstance,
  db: Kysely<Database>,
  draft: DraftRecord,
  req: Parameters<typeof renderDraftChannel>[1],
  form: { channel: string; to: string; user: string },
): Promise<{ channel: string; to: string }> {
  const kind = TESTABLE.find((c) => c === form.channel);
  if (!kind) throw new MissiveError('MSV_API_BAD_REQUEST', 'channel: email or sms', { field: 'channel' });
  const channel = app.studio.testSend?.channels[kind];
  if (!channel)
    throw new MissiveError(
      'MSV_CHANNEL_NOT_CONFIGURED',
      `this server sends no ${kind} (no ${kind === 'email' ? 'SMTP' : 'SMS'} configured)`,
      {
        channel: kind,
      },
    );
  const to = form.to || app.studio.testSend?.to[kind] || '';
  if (!to)
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      `to: give an ${kind === 'email' ? 'e-mail address' : 'phone number'} (no test address is configured)`,
      {
        field: 'to',
      },
    );
  if (kind === 'email' ? !EMAIL.test(to) : !PHONE.test(to)) {
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      kind === 'email'
        ? 'to: not an e-mail address'
        : 'to: a phone number in international form, e.g. +447700900123',
      { field: 'to' },
    );
  }
  const { artifact } = await renderDraftChannel(db, req, kind);
  const key = `studio-test-${draft.id}-${randomBytes(6).toString('hex')}`;
  const result = await channel.send(
    { artifact, to: { address: to, name: form.user } },
    { deliveryKey: key, communicationId: key, purpose: 'service', now: new Date(), attempt: 1 },
  );
  if (result.kind !== 'sent') {
    throw new MissiveError('MSV_CHANNEL_REJECTED', `the test was not sent: ${result.kind}`, {
      channel: kind,
    });
  }
  return { channel: kind, to };
}
