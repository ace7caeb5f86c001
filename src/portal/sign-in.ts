import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import type { Customer } from '../core/types.ts';
import {
  countCodesSent,
  countFailures,
  type Database,
  findCustomerIdsByContact,
  getChallenge,
  getCustomer,
  insertChallenge,
  takeAttempt,
  useChallenge,
} from '../store/index.ts';
import { portalLocaleOf } from './code-message.ts';
import type { CodeDelivery } from './code-sender.ts';
import { type Identifier, identifierKey, parseIdentifier } from './identifier.ts';
import { maySendCode, minutesBefore, type PortalLimits } from './limits.ts';
import { codeHmac, hmacEquals, identifierHmac, newCode, normaliseCode } from './one-time-code.ts';

/**
 * Passwordless sign-in: what the customer typed → a challenge (always, whether anyone matched) and,
 * when someone did and the limits allow, a one-time code for the contact on file. Both paths run
 * the same queries and the same hashing, and neither waits for the code to be sent, so the answer
 * and its timing say nothing about who is a customer. The code is then checked against the
 * challenge: one attempt taken atomically per guess, single use, expiring, locked after repeated
 * failures (per customer; per typed identifier when nobody matched, so a decoy locks the same way).
 */
export interface SignInDeps {
  db: Kysely<Database>;
  /** HMAC key of codes and identifiers (derived from a server secret, see api/portal). */
  key: Uint8Array;
  limits: PortalLimits;
  now: () => Date;
}

export interface StartOutcome {
  /** The challenge secret for the browser (a cookie); its sha256 is the row's key. */
  challenge: string;
  /** The code to send; absent when nobody matched, no contact is on file, a limit or a lock holds. */
  delivery: CodeDelivery | undefined;
  /** The matched customer (for the audit log only; never shown). */
  customerId: string | undefined;
}

/**
 * Placeholder compared with when there is nothing to compare: keeps the same queries on every path.
 * A control character (never in an imported id, refused in what is typed) but not NUL, which
 * PostgreSQL text cannot hold.
 */
const NOBODY = '\u001fnobody';

/**
 * Starts a portal sign-in: sends a one-time code when the identifier is known, answering alike when not (no
 * enumeration), within the limits.
 */
export async function startSignIn(
  deps: SignInDeps,
  input: { typed: string; channel: 'sms' | 'email'; challenge: string },
): Promise<StartOutcome> {
  const now = deps.now();
  const identifier: Identifier = parseIdentifier(input.typed) ?? { kind: 'id', value: NOBODY };
  const identifierSha = identifierHmac(deps.key, identifierKey(identifier));
  const customer = await findCustomer(deps.db, identifier);
  const contact = customer ? contactOnFile(customer, input.channel) : undefined;
  const destinationSha = identifierHmac(deps.key, contact ? `${contact.channel}:${contact.address}` : NOBODY);
  const since = minutesBefore(now, deps.limits.windowMinutes);
  const [byCustomer, byDestination, byIdentifier, failures] = await Promise.all([
    countCodesSent(deps.db, 'customer_id', customer?.id ?? NOBODY, since),
    countCodesSent(deps.db, 'destination_sha256', destinationSha, since),
    countCodesSent(deps.db, 'identifier_sha256', identifierSha, since),
    customer
      ? countFailures(deps.db, 'customer_id', customer.id, minutesBefore(now, deps.limits.lockoutMinutes))
      : countFailures(
          deps.db,
          'identifier_sha256',
          identifierSha,
          minutesBefore(now, deps.limits.lockoutMinutes),
        ),
  ]);
  const allowed =
    maySendCode(
      { customer: byCustomer, destination: byDestination, identifier: byIdentifier },
      deps.limits,
    ) && failures < deps.limits.lockoutFailures;
  const code = newCode();
  const challengeSha = sha256Hex(input.challenge);
  const send = customer !== undefined && contact !== undefined && allowed;
  await insertChallenge(deps.db, {
    idSha256: challengeSha,
    customerId: customer?.id ?? null,
    identifierSha256: identifierSha,
    destinationSha256: contact ? destinationSha : null,
    channel: contact?.channel ?? null,
    codeHmac: codeHmac(deps.key, challengeSha, code),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.limits.codeTtlMinutes * 60_000).toISOString(),
    sent: send,
  });
  return {
    challenge: input.challenge,
    customerId: customer?.id,
    delivery:
      send && customer && contact
        ? {
            channel: contact.channel,
            address: contact.address,
            name: customer.name,
            timeZone: customer.timeZone,
            locale: portalLocaleOf(customer.locale),
            code,
            minutes: deps.limits.codeTtlMinutes,
          }
        : undefined,
  };
}

/**
 * Checks a typed code against the browser's challenge. Returns the customer id once; throws
 * MSV_PORTAL_CODE_INVALID (wrong code, or no such challenge), MSV_PORTAL_CODE_SPENT (used, expired
 * or out of attempts: ask for a new code), MSV_PORTAL_LOCKED (too many wrong codes lately).
 */
export async function verifySignIn(
  deps: SignInDeps,
  input: { challenge: string | undefined; code: string },
): Promise<{ customerId: string }> {
  const now = deps.now();
  const nowIso = now.toISOString();
  if (!input.challenge) throw invalid(deps.limits.attemptsPerCode);
  const challenge = await getChallenge(deps.db, sha256Hex(input.challenge));
  if (!challenge) throw invalid(deps.limits.attemptsPerCode);
  if (
    challenge.usedAt !== null ||
    challenge.expiresAt <= nowIso ||
    challenge.attempts >= deps.limits.attemptsPerCode
  ) {
    throw spent();
  }
  const since = minutesBefore(now, deps.limits.lockoutMinutes);
  const failures = challenge.customerId
    ? await countFailures(deps.db, 'customer_id', challenge.customerId, since)
    : await countFailures(deps.db, 'identifier_sha256', challenge.identifierSha256, since);
  if (failures >= deps.limits.lockoutFailures) {
    throw new MissiveError(
      'MSV_PORTAL_LOCKED',
      `too many wrong codes; try again in ${deps.limits.lockoutMinutes} minutes`,
      { retryAfterMinutes: deps.limits.lockoutMinutes },
    );
  }
  if (!(await takeAttempt(deps.db, challenge.idSha256, deps.limits.attemptsPerCode, nowIso))) throw spent();
  const code = normaliseCode(input.code) ?? '';
  const matches = hmacEquals(codeHmac(deps.key, challenge.idSha256, code), challenge.codeHmac);
  if (!matches || challenge.customerId === null) {
    throw invalid(deps.limits.attemptsPerCode - challenge.attempts - 1);
  }
  if (!(await useChallenge(deps.db, challenge.idSha256, nowIso))) throw spent();
  return { customerId: challenge.customerId };
}

function invalid(remaining: number): MissiveError {
  return new MissiveError('MSV_PORTAL_CODE_INVALID', 'that code is not right', {
    attemptsLeft: Math.max(0, remaining),
  });
}

function spent(): MissiveError {
  return new MissiveError('MSV_PORTAL_CODE_SPENT', 'this code can no longer be used; ask for a new one');
}

async function findCustomer(db: Kysely<Database>, identifier: Identifier): Promise<Customer | undefined> {
  if (identifier.kind === 'id') return getCustomer(db, identifier.value);
  const ids = await findCustomerIdsByContact(db, identifier.kind, identifier.value);
  // Two customers sharing an address: nobody can be told apart by it, so nobody matches.
  return getCustomer(db, ids.length === 1 ? ids[0]! : NOBODY);
}

/** The chosen channel's contact on file, else the other one; never anything typed in the form. */
export function contactOnFile(
  customer: Pick<Customer, 'email' | 'phone'>,
  preferred: 'sms' | 'email',
): { channel: 'sms' | 'email'; address: string } | undefined {
  const of = (channel: 'sms' | 'email') => (channel === 'sms' ? customer.phone : customer.email);
  const other = preferred === 'sms' ? 'email' : 'sms';
  const first = of(preferred);
  if (first) return { channel: preferred, address: first };
  const second = of(other);
  return second ? { channel: other, address: second } : undefined;
}
