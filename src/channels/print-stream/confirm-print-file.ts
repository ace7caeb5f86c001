import fs from 'node:fs';
import { parse } from 'csv-parse';
import type { Kysely } from 'kysely';
import { MissiveError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import {
  type CommunicationRecord,
  type Database,
  findPrintPieces,
  getCommunication,
  type PrintFileDocument,
  transitionCommunicationStatus,
} from '../../store/index.ts';
import { type BadLine, type ConfirmLine, decodeConfirmLine, headerProblems } from './confirm-line.ts';
import { lifecycleStep, PRINT_HOUSE_STATUSES, type PrintHouseStatus } from './print-lifecycle.ts';

export interface ConfirmDeps {
  db: Kysely<Database>;
  logger: Logger;
  /**
   * Queues a spoiled letter's re-print for the next print file (an agent's re-print made by the
   * system, on-demand/agent-copies.ts); must be idempotent: asked again, it returns the same copy.
   */
  reprint?:
    | ((letter: CommunicationRecord, reason: string) => Promise<{ id: string; created: boolean }>)
    | undefined;
}

/** A refused line: where (file, line, field) and why. */
export interface ConfirmReject extends BadLine {
  file: string;
}

export interface ConfirmOutcome {
  file: string;
  /** Data lines read (the header not counted). */
  lines: number;
  /** Letters moved, per status the print house reported. */
  moved: Record<PrintHouseStatus, number>;
  /** Letters already in that status or past it (the same file again changes nothing). */
  unchanged: number;
  rejected: ConfirmReject[];
  /** Spoiled letters and their re-prints (created now, or already queued by an earlier confirm). */
  reprints: { spoiled: string; reprint: string; created: boolean }[];
}

/**
 * `missive print-streams confirm FILE`: the print house's returned manifest moves each letter through
 * the ledger's state machine — `in_print_file` → `printed` → `mailed`, or `spoiled` — with a history
 * row naming the print file and the print house's time. A bad line is refused with its line and field
 * and the file goes on; a spoiled letter is queued for re-print. Idempotent. A header without the
 * columns it needs is MSV_INPUT_BAD_FILE (nothing is read).
 */
export async function confirmPrintFile(deps: ConfirmDeps, file: string): Promise<ConfirmOutcome> {
  const moved = Object.fromEntries(PRINT_HOUSE_STATUSES.map((s) => [s, 0])) as Record<
    PrintHouseStatus,
    number
  >;
  const outcome: ConfirmOutcome = { file, lines: 0, moved, unchanged: 0, rejected: [], reprints: [] };
  let header: string[] | undefined;
  const source = fs.createReadStream(file);
  const parser = source.pipe(
    parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  // pipe() does not pass on the file's own errors (no such file): end the parse with them.
  source.on('error', (err) => parser.destroy(err));
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!header) {
        header = record;
        const problems = headerProblems(header);
        if (problems.length > 0)
          throw new MissiveError('MSV_INPUT_BAD_FILE', `${file}: ${problems.join('; ')}`, {
            file,
            line: info.lines,
          });
        continue;
      }
      outcome.lines += 1;
      const decoded = decodeConfirmLine(header, record, info.lines);
      if ('field' in decoded) outcome.rejected.push({ file, ...decoded });
      else await applyLine(deps, decoded, outcome);
    }
  } catch (err) {
    source.destroy();
    if (err instanceof MissiveError) throw err;
    if ((err as NodeJS.ErrnoException).syscall) {
      throw new MissiveError(
        'MSV_INPUT_BAD_FILE',
        `${file}: ${(err as Error).message}`,
        { file },
        { cause: err },
      );
    }
    // A CSV syntax error (an unbalanced quote): what came before counts, the rest is not read.
    const line = Number((err as { lines?: number }).lines ?? outcome.lines + 1);
    outcome.rejected.push({
      file,
      line,
      field: '',
      reason: `not CSV from here on: ${(err as Error).message}`,
    });
  }
  deps.logger.info(
    { file, lines: outcome.lines, moved, unchanged: outcome.unchanged, rejected: outcome.rejected.length },
    'print confirmations applied',
  );
  return outcome;
}

async function applyLine(deps: ConfirmDeps, line: ConfirmLine, outcome: ConfirmOutcome): Promise<void> {
  const reject = (field: string, reason: string) =>
    outcome.rejected.push({ file: outcome.file, line: line.line, field, reason });
  const found = await resolvePieces(deps.db, line);
  if ('reason' in found) return void reject(found.field, found.reason);
  const conflicts: string[] = [];
  for (const piece of found.pieces) {
    const letter = await getCommunication(deps.db, piece.communicationId);
    if (!letter) continue;
    const step = lifecycleStep(letter.status, line.status);
    if (step.kind === 'conflict') {
      conflicts.push(`${letter.id}: ${step.reason}`);
      continue;
    }
    const changed =
      step.kind === 'move' &&
      (await transitionCommunicationStatus(deps.db, letter.id, {
        from: step.from,
        to: line.status,
        reason: `print house: ${line.status} at ${line.at}, print file ${piece.fileName}`,
      }));
    if (changed) outcome.moved[line.status] += 1;
    else outcome.unchanged += 1;
    if (line.status === 'spoiled' && deps.reprint) {
      const copy = await deps.reprint(letter, `spoiled in print file ${piece.fileName} at ${line.at}`);
      outcome.reprints.push({ spoiled: letter.id, reprint: copy.id, created: copy.created });
    }
  }
  if (conflicts.length > 0) reject('status', `${line.status}: ${conflicts.join('; ')}`);
}

type Resolved = { pieces: PrintFileDocument[] } | { field: string; reason: string };

/** The letters a line names, in the file it names; or why it names none. */
async function resolvePieces(db: Kysely<Database>, line: ConfirmLine): Promise<Resolved> {
  const stream = /\.pdf$/i.test(line.stream) ? line.stream : `${line.stream}.pdf`;
  const pieces = await findPrintPieces(db, stream, line.key);
  if ('communicationId' in line.key) {
    const [piece] = pieces;
    if (!piece)
      return { field: 'communication_id', reason: `${line.key.communicationId} is in no print file` };
    if (piece.fileName !== stream)
      return {
        field: 'stream',
        reason: `${piece.communicationId} is in print file ${piece.fileName}, not ${stream}`,
      };
    return { pieces };
  }
  const field = 'sequence' in line.key ? 'sequence' : 'envelope';
  const value = 'sequence' in line.key ? line.key.sequence : line.key.envelope;
  if (pieces.length === 0) return { field, reason: `print file ${stream} has no ${field} ${value}` };
  if (new Set(pieces.map((p) => p.streamId)).size > 1 || (field === 'sequence' && pieces.length > 1))
    return {
      field,
      reason: `more than one print file is named ${stream} (streams made with other options): give communication_id`,
    };
  return { pieces };
}
