/** JSON schemas shared by the routes (validated by fastify, described in the OpenAPI document). */
export const idParam = { type: 'string', minLength: 1, maxLength: 128 } as const;

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

export const errorResponse = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
    },
  },
} as const;

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
