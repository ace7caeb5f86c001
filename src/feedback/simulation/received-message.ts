import { decodeEmail } from '../../render/index.ts';

/**
 * What a customer's mail client or phone finds in a received message: the links one can follow (with
 * their visible text) and the remote images it loads (in a Missive e-mail, the open pixel; inline
 * images are data URIs). Read from the bytes as sent, the way a person meets them. Pure.
 */
export interface ReceivedLinks {
  links: { url: string; text: string }[];
  images: string[];
}

/** The links (target and visible text) and remote images of a received e-mail artifact's HTML body. */
export function readReceivedEmail(bytes: Uint8Array): ReceivedLinks {
  const html = (decodeEmail(bytes).html ?? '').replace(/<head\b[\s\S]*?<\/head>/i, '');
  const links = [...html.matchAll(/<a\s[^>]*?href="(https?:[^"]*)"[^>]*>([\s\S]*?)<\/a>/gi)].map((m) => ({
    url: decodeEntities(m[1] ?? ''),
    text: visibleText(m[2] ?? ''),
  }));
  const images = [...html.matchAll(/<img\s[^>]*?src="(https?:[^"]*)"/gi)].map((m) =>
    decodeEntities(m[1] ?? ''),
  );
  return { links, images };
}

/** The links of a received SMS (each with the whole text as its text); an SMS has no images. */
export function readReceivedSms(body: string): ReceivedLinks {
  return {
    links: [...body.matchAll(/https?:\/\/\S+/gi)].map((m) => ({ url: m[0], text: body })),
    images: [],
  };
}

/**
 * The link a customer taking the offer follows: the one whose text is the offer's call to action (the
 * button), else — an SMS, whose one link sits in its text — the only link there is.
 */
export function offerLink(received: ReceivedLinks, ctaLabel: string | undefined): string | undefined {
  const label = ctaLabel === undefined ? undefined : visibleText(ctaLabel);
  const button = received.links.find((l) => label !== undefined && l.text === label);
  if (button) return button.url;
  return received.links.length === 1 ? received.links[0]?.url : undefined;
}

function visibleText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
