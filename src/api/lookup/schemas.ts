import { idParam } from '../routes/schemas.ts';

/** The lookup area's JSON schemas (validated by fastify, described in the OpenAPI document). */
export const customerParams = {
  type: 'object',
  required: ['customerId'],
  properties: { customerId: idParam },
} as const;

export const communicationParams = {
  type: 'object',
  required: ['customerId', 'communicationId'],
  properties: { customerId: idParam, communicationId: idParam },
} as const;

/** The client's own id of an agent's action (a UUID): a retried post records it once. */
export const clientId = {
  type: 'string',
  minLength: 8,
  maxLength: 100,
  pattern: '^[A-Za-z0-9._:-]+$',
} as const;

/** What the customer said, as the agent records it on a communication. */
export const DISPOSITION_OUTCOMES = [
  'interested',
  'accepted-offer',
  'not-interested',
  'dispute',
  'complaint',
  'wrong-address',
  'other',
] as const;
export type DispositionOutcome = (typeof DISPOSITION_OUTCOMES)[number];
