/** JSON schemas shared by the areas' routes (each area's own: e.g. lookup/schemas.ts) (validated by fastify, described in the OpenAPI document). */
export const idParam = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const errorResponse = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
    },
  },
} as const;
