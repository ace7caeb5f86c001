import type { FastifyPluginAsync } from 'fastify';
import { createCorrections } from '../lookup/corrections.ts';
import { createLookup, type LookupDeps } from '../lookup/lookup.ts';
import { communicationRoutes } from '../routes/communications.ts';
import { correctionRoutes } from '../routes/corrections.ts';
import { customerActionRoutes } from '../routes/customer-actions.ts';
import { customerRoutes } from '../routes/customers.ts';
import { copyActionPages, correctionPages } from '../ui/routes/copy-actions.ts';
import { customerActionPages } from '../ui/routes/customer-actions.ts';
import { agentPages } from '../ui/routes/pages.ts';

/**
 * The call center's lookup area (agents and admins): customers, their timeline and holdings, one
 * communication and its verified document, dispositions, copies, corrected copies (four-eyes for amounts), preferences and notes — as JSON
 * under /api/customers and as the agent's pages under /ui/search and /ui/customers. An encapsulated
 * plugin: its `lookup` decorator (src/api/lookup/lookup.ts) exists in this scope only, and both the
 * JSON routes and the pages go through it, so a view is shaped and audited in one place.
 */
export const lookupArea: FastifyPluginAsync<LookupDeps> = async (app, deps) => {
  app.decorate('lookup', createLookup(deps));
  app.decorate('corrections', createCorrections(deps));
  customerRoutes(app);
  customerActionRoutes(app);
  communicationRoutes(app);
  correctionRoutes(app);
  agentPages(app);
  customerActionPages(app);
  copyActionPages(app);
  correctionPages(app);
};
