import type { ChannelKind, Customer } from '../core/types.ts';
import type { CommunicationType } from './catalog.ts';
import type { ChannelAttempt } from './decision.ts';
import { hasConsent } from './suppression.ts';

/**
 * Which channel a communication goes on. Documents the law wants on paper go to print unless the
 * customer consented to electronic delivery; otherwise the type's channels are tried in order
 * (electronic first for promotions, falling back email → SMS → print). A channel is usable when the
 * customer is reachable on it (a valid e-mail, an E.164 phone, a postal address), consented to it for
 * the purpose, and, for SMS, it is not quiet hours where the customer lives.
 */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

export interface ChannelChoice {
  channel: ChannelKind | null;
  reason: string;
  tried: ChannelAttempt[];
}

/**
 * Whether a customer has a usable contact point for a channel (valid e-mail, E.164 phone, postal address
 * with lines and postcode).
 */
export function isReachable(customer: Customer, channel: ChannelKind): boolean {
  switch (channel) {
    case 'email':
      return customer.email !== null && EMAIL.test(customer.email);
    case 'sms':
      return customer.phone !== null && E164.test(customer.phone);
    case 'print': {
      const a = customer.address;
      return a !== null && a.lines.length > 0 && a.postalCode !== '' && a.city !== '';
    }
  }
}

const NOT_REACHABLE: Record<ChannelKind, string> = {
  email: 'no valid e-mail address',
  sms: 'no valid E.164 phone number',
  print: 'no postal address',
};

/**
 * `paperInstead`: electronic channels the run has no transport for, for a type the law wants on
 * paper — passed over (the documented fallback to paper, src/batch/run-channels.ts).
 */
export function chooseChannel(
  customer: Customer,
  type: CommunicationType,
  smsQuiet: boolean,
  paperInstead: readonly ChannelKind[] = [],
): ChannelChoice {
  const paperOnly = type.paperByLaw && !customer.eDelivery;
  const order: readonly ChannelKind[] = paperOnly ? ['print'] : type.channels;
  const tried: ChannelAttempt[] = [];
  for (const channel of order) {
    const unsendable = type.paperByLaw && paperInstead.includes(channel);
    const problem = unsendable
      ? `no ${channel} transport configured for this run: paper instead`
      : channelProblem(customer, channel, type.purpose, smsQuiet);
    tried.push({ channel, ok: problem === undefined, reason: problem ?? 'usable' });
    if (problem === undefined) {
      const passedOver = tried.some((t) => t.reason.endsWith('paper instead'));
      const reason = passedOver
        ? 'paper by law: electronic delivery consented, but this run has no transport for it'
        : whyChosen(type, channel, tried.length, paperOnly);
      return { channel, reason, tried };
    }
  }
  return { channel: null, reason: 'no usable channel', tried };
}

function channelProblem(
  customer: Customer,
  channel: ChannelKind,
  purpose: 'service' | 'marketing',
  smsQuiet: boolean,
): string | undefined {
  if (!isReachable(customer, channel)) return NOT_REACHABLE[channel];
  if (!hasConsent(customer, channel, purpose)) return `no ${purpose} consent for ${channel}`;
  if (channel === 'sms' && smsQuiet) return 'quiet hours in the customer time zone';
  return undefined;
}

function whyChosen(
  type: CommunicationType,
  channel: ChannelKind,
  attempt: number,
  paperOnly: boolean,
): string {
  if (paperOnly) return 'paper by law: the customer has not consented to electronic delivery';
  if (type.paperByLaw && channel !== 'print') return 'electronic delivery consented';
  return attempt === 1 ? 'first choice of the communication type' : `fallback (choice ${attempt})`;
}
