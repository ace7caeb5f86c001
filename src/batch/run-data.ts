import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import {
  type DataSource,
  type DocumentDataProvider,
  dataSourceFromText,
  documentDataProvider,
} from '../customers/index.ts';
import { requireDataContract } from '../render/heavy.ts';
import {
  type Database,
  getDataSourceVersion,
  type RunRecord,
  saveDataSourceVersion,
  setRunOptions,
} from '../store/index.ts';
import type { CompiledTemplate } from '../templates/heavy.ts';

/**
 * Where a run's document data comes from, fixed when the run is first prepared and kept in its
 * options: `{ kind: 'datasource', name, sha256 }` (the definition's text is stored by hash, so
 * workers anywhere and later resumes read exactly the one the run started with) or
 * `{ kind: 'customer-record' }`.
 */
export type RunDataSource =
  | { kind: 'datasource'; name: string; sha256: string }
  | { kind: 'customer-record' };

export function runDataSourceOf(run: RunRecord): RunDataSource | undefined {
  const value = run.options.datasource as RunDataSource | undefined;
  return value && typeof value === 'object' && 'kind' in value ? value : undefined;
}

/**
 * Before a run plans its first chunk: picks its data source (datasources/<template>/ in `dir`, named
 * after the template the run's communication type renders, as at `templates publish`; or the
 * customer record), checks it against the template's contract (MSV_DATA_CONTRACT names every field
 * it cannot produce) and that its feeds are loaded for the as-of period with matching control totals
 * (MSV_FEED_NOT_LOADED, MSV_FEED_CONTROL_MISMATCH). A run refused here has touched no customer.
 * A run prepared before keeps its data source; only the feeds are checked again.
 */
export async function prepareRunData(
  db: Kysely<Database>,
  run: RunRecord,
  template: CompiledTemplate,
  dir: string,
): Promise<RunDataSource> {
  const recorded = runDataSourceOf(run);
  if (recorded) {
    await (await providerOf(db, recorded)).ready(run.asOf);
    return recorded;
  }
  const datasource = await requireDataContract(template, dir, template.name, run.asOf);
  const provider = documentDataProvider({ db, datasource });
  await provider.ready(run.asOf);
  const chosen: RunDataSource = datasource
    ? { kind: 'datasource', name: datasource.name, sha256: datasource.sha256 }
    : { kind: 'customer-record' };
  if (datasource) {
    await saveDataSourceVersion(
      db,
      { sha256: datasource.sha256, name: datasource.name, definition: datasource.definition },
      new Date().toISOString(),
    );
  }
  await setRunOptions(db, run.id, { ...run.options, datasource: chosen });
  return chosen;
}

async function providerOf(db: Kysely<Database>, source: RunDataSource): Promise<DocumentDataProvider> {
  if (source.kind === 'customer-record') return documentDataProvider({ db });
  return documentDataProvider({ db, datasource: await storedDataSource(db, source) });
}

async function storedDataSource(
  db: Kysely<Database>,
  source: { name: string; sha256: string },
): Promise<DataSource> {
  const version = await getDataSourceVersion(db, source.sha256);
  if (!version) {
    throw new MissiveError(
      'MSV_DATASOURCE_NOT_FOUND',
      `the run's data source ${source.name} (${source.sha256.slice(0, 12)}) is not in the store`,
      { communicationType: source.name },
    );
  }
  return dataSourceFromText(
    version.name,
    version.definition,
    `datasource ${version.name}@${version.sha256.slice(0, 12)}`,
  );
}

/**
 * Each run's provider, made once per process and plan generation: the feed loads it reads are looked
 * up afresh when the run is planned again (a corrected feed loaded before a resume is the one used).
 */
export interface RunDataCache {
  forRun(run: RunRecord): Promise<DocumentDataProvider>;
}

export function createRunDataCache(db: Kysely<Database>): RunDataCache {
  const providers = new Map<string, Promise<DocumentDataProvider>>();
  return {
    forRun(run) {
      const source: RunDataSource = runDataSourceOf(run) ?? { kind: 'customer-record' };
      const key = `${run.id}\u0000${run.generation}`;
      let entry = providers.get(key);
      if (!entry) {
        entry = providerOf(db, source);
        entry.catch(() => providers.delete(key));
        providers.set(key, entry);
      }
      return entry;
    },
  };
}
