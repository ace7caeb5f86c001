/**
 * What a customer types to sign in: their customer id, or the e-mail address or phone number on file.
 * Pure: the kind and the normal form the store is searched with. Codes never go to what was typed,
 * only to the contact points of the customer it matched.
 */
export type Identifier =
  | { kind: 'email'; value: string }
  | { kind: 'phone'; value: string }
  | { kind: 'id'; value: string };

const MAX_LENGTH = 254;

export function parseIdentifier(typed: string): Identifier | undefined {
  const text = typed.normalize('NFKC').trim();
  if (text === '' || text.length > MAX_LENGTH || /\p{Cc}/u.test(text)) return undefined;
  if (text.includes('@')) return { kind: 'email', value: text.toLowerCase() };
  const compact = text.replace(/[\s().-]/g, '');
  if (/^\+\d{6,15}$/.test(compact)) return { kind: 'phone', value: compact };
  if (/^00\d{6,15}$/.test(compact)) return { kind: 'phone', value: `+${compact.slice(2)}` };
  return { kind: 'id', value: text };
}

/** The identifier as one string for keyed hashing: kind and value, so `id:x` and `email:x` differ. */
export function identifierKey(identifier: Identifier): string {
  return `${identifier.kind}:${identifier.value}`;
}
