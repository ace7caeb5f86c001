import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import {
  appendAudit,
  appendEvent,
  type Database,
  getLatestTemplateVersion,
  listPublishedTemplateNames,
  markAgentLetter,
} from '../store/index.ts';
import { type EditableSection, templatePackageFromFiles } from '../templates/index.ts';
import type { OnDemandResult } from './communicate.ts';
import type { OnDemandService } from './on-demand-service.ts';

/**
 * An agent's ad-hoc letter (issue 19 item 3, "interactive" correspondence): the agent picks a
 * published template of kind `letter`, fills its editable sections, previews the PDF and sends it by
 * post or e-mail. It is made by the on-demand pipeline like any on-demand communication (one run of
 * kind on-demand, archived content-addressed with its sealed inputs, so the viewer verifies its
 * sha256 and `missive verify` re-renders it): by e-mail with the PDF attached, to the address on
 * file; on paper it waits, `archived`, for the next print file (as an agent's re-print does). With
 * its ledger row, in one transaction: an `agent-letter` event on the customer's timeline (agent and
 * reason) and an audit row.
 */
export interface LetterRequest {
  customerId: string;
  /** A published template of kind `letter`. */
  template: string;
  /** The agent's values per editable section (checked against the template's declaration). */
  sections: Record<string, unknown>;
  channel: 'print' | 'email';
  /** Why (the customer's words, as the agent typed them): on the timeline and in the audit log. */
  reason: string;
  /** The form's own id: a retried post makes one letter. */
  clientId: string;
}

/** A published letter template, as the agent's form shows it. */
export interface LetterTemplate {
  name: string;
  versionId: string;
  description: string;
  channels: ('print' | 'email')[];
  locales: string[];
  sections: EditableSection[];
}

export const LETTER_EVENT = 'agent-letter';

/** What letters are made with: the store, the clock and the on-demand service (preview, communicate). */
export interface LetterDeps {
  db: Kysely<Database>;
  now: () => Date;
  service: Pick<OnDemandService, 'communicate' | 'preview'>;
}

/** The latest published version of every template of kind `letter`, by name. */
export async function listLetterTemplates(db: Kysely<Database>): Promise<LetterTemplate[]> {
  const letters: LetterTemplate[] = [];
  for (const name of await listPublishedTemplateNames(db)) {
    const version = await getLatestTemplateVersion(db, name);
    if (!version) continue;
    const { manifest } = templatePackageFromFiles(name, version.files);
    if (manifest.kind !== 'letter' || !manifest.editableSections) continue;
    letters.push({
      name,
      versionId: version.id,
      description: manifest.description,
      channels: manifest.channels.filter((c): c is 'print' | 'email' => c === 'print' || c === 'email'),
      locales: [...manifest.locales],
      sections: manifest.editableSections,
    });
  }
  return letters.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The letter template named, or MSV_API_BAD_REQUEST naming the published letter templates.
 * @throws MissiveError MSV_API_BAD_REQUEST (field `template`).
 */
export async function requireLetterTemplate(db: Kysely<Database>, name: string): Promise<LetterTemplate> {
  const letters = await listLetterTemplates(db);
  const found = letters.find((l) => l.name === name);
  if (!found) {
    const known = letters.map((l) => l.name).join(', ') || 'none is published';
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      `template: ${name} is not a published letter template (letters: ${known})`,
      { field: 'template' },
    );
  }
  return found;
}

/**
 * The PDF the letter would be, kept nowhere (the agent's preview).
 * @throws MissiveError MSV_API_BAD_REQUEST (template, sections), MSV_STORE_NOT_FOUND (customer).
 */
export async function previewAgentLetter(
  deps: LetterDeps,
  request: Pick<LetterRequest, 'customerId' | 'template' | 'sections'>,
): ReturnType<OnDemandService['preview']> {
  await requireLetterTemplate(deps.db, request.template);
  return deps.service.preview({
    type: request.template,
    customerId: request.customerId,
    sections: request.sections,
    channel: 'print',
  });
}

/**
 * Makes, archives and sends (or queues for print) an agent's letter, audited; the same form id
 * again returns the same letter.
 * @throws MissiveError MSV_API_BAD_REQUEST (template, sections, a channel the customer cannot get).
 */
export async function sendAgentLetter(
  deps: LetterDeps,
  agent: string,
  request: LetterRequest,
): Promise<OnDemandResult> {
  const template = await requireLetterTemplate(deps.db, request.template);
  if (!template.channels.includes(request.channel)) {
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      `channel: template ${template.name} has no ${request.channel} channel (it has: ${template.channels.join(', ')})`,
      { field: 'channel' },
    );
  }
  return deps.service.communicate(
    `agent:${agent}`,
    {
      type: template.name,
      customerId: request.customerId,
      sections: request.sections,
      channel: request.channel,
      idempotencyKey: request.clientId,
    },
    async (trx, communicationId, outcome) => {
      if (outcome === 'archived') await markAgentLetter(trx, communicationId);
      const at = deps.now().toISOString();
      const facts = { template: template.name, channel: request.channel, outcome };
      await appendEvent(trx, {
        source: 'call-center',
        sourceId: `letter/${agent}/${request.clientId}`,
        type: LETTER_EVENT,
        communicationId,
        customerId: request.customerId,
        payload: { ...facts, agent, reason: request.reason },
        occurredAt: at,
      });
      await appendAudit(trx, {
        actor: agent,
        action: 'communication.letter',
        targetType: 'communication',
        targetId: communicationId,
        details: { ...facts, customerId: request.customerId, reason: request.reason },
        at,
      });
    },
  );
}
