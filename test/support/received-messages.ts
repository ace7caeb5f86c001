import type { SmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import type { TwilioSink } from '../../src/channels/sinks/twilio-sink.ts';

/** A browser's user agent: tracking routes count its requests as a person's, never a scanner's. */
export const HUMAN =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

/** One message as a sink received it, reduced to what a customer could read and follow. */
export interface Received {
  channel: 'email' | 'sms';
  providerId: string;
  /** Every http(s) URL the customer can follow, from the received bytes. */
  links: string[];
  /** The visible unsubscribe link of a marketing e-mail (one-click page, never a tracked link). */
  unsubscribe: string[];
  /** An e-mail's From address and html lang. */
  from?: string | undefined;
  lang?: string | undefined;
  pixels: string[];
  /** What the customer reads (HTML text and plain text, or the SMS body). */
  text: string;
}

/** An e-mail at the SMTP sink, from mailparser's parse of the bytes that arrived. */
export function receivedEmail(mail: SmtpSink['messages'][number]): Received {
  const html = typeof mail.parsed?.html === 'string' ? mail.parsed.html : '';
  const plain = mail.parsed?.text ?? '';
  const body = html.replace(/<head\b[\s\S]*?<\/head>/i, '');
  const hrefs = [...body.matchAll(/\shref="([^"]*)"/gi)].map((m) => m[1] ?? '');
  const visible = body.replace(/<[^>]*>/g, ' ');
  const bare = [...`${visible}\n${plain}`.matchAll(/https?:\/\/[^\s<>"']+/gi)].map((m) =>
    (m[0] ?? '').replace(/[.,;:!?)]+$/, ''),
  );
  const pixels = [...body.matchAll(/<img\s[^>]*src="([^"]*\/o\/[^"]*)"/gi)].map((m) => m[1] ?? '');
  const all = [...new Set([...hrefs.filter((h) => /^https?:/i.test(h)), ...bare])];
  const isUnsubscribe = (link: string) => /\/unsubscribe\/dk_\w+$/.test(link);
  return {
    channel: 'email',
    providerId: mail.messageId,
    links: all.filter((l) => !isUnsubscribe(l)),
    unsubscribe: all.filter(isUnsubscribe),
    from: mail.parsed?.from?.value[0]?.address,
    lang: /<html\s[^>]*\blang="([^"]*)"/i.exec(html)?.[1],
    pixels,
    text: `${mail.parsed?.subject ?? ''}\n${visible}\n${plain}`,
  };
}

/** An SMS at the Twilio-compatible sink: its body and the links in it. */
export function receivedSms(sms: TwilioSink['messages'][number]): Received {
  const links = [...sms.body.matchAll(/https?:\/\/\S+/gi)].map((m) => m[0] ?? '');
  return { channel: 'sms', providerId: sms.sid, links, unsubscribe: [], pixels: [], text: sms.body };
}
