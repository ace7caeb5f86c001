import type { Migration, MigrationProvider } from 'kysely';
import type { StoreDialect } from '../dialect.ts';
import * as initial from './0001-initial.ts';
import * as rules from './0002-rules.ts';
import * as dispatch from './0003-dispatch.ts';
import * as printStreams from './0004-print-streams.ts';
import * as archiveLog from './0005-archive-log.ts';
import * as users from './0006-users.ts';
import * as feedback from './0007-feedback.ts';
import * as studio from './0008-studio.ts';
import * as batch from './0009-batch.ts';
import * as runSources from './0010-run-sources.ts';
import * as feeds from './0011-feeds.ts';
import * as trackedLinks from './0012-tracked-links.ts';
import * as pendingBlobs from './0013-pending-blobs.ts';
import * as portal from './0014-portal.ts';
import * as customerSearchKeys from './0015-customer-search-keys.ts';
import * as runSupersede from './0016-run-supersede.ts';
import * as onDemand from './0017-on-demand.ts';
import * as agentCopies from './0018-agent-copies.ts';
import * as userTimeZone from './0019-user-time-zone.ts';
import * as printFileDocuments from './0020-print-file-documents.ts';
import * as communicationCorrections from './0022-communication-corrections.ts';
import * as portalLinks from './0023-portal-links.ts';
import * as studioAssets from './0024-studio-assets.ts';
import * as studioBrandChanges from './0024-studio-brand-changes.ts';
import * as studioDraftHistory from './0025-studio-draft-history.ts';

/**
 * Every migration, in code (no filesystem scanning, so bundles and `tsx` behave the same).
 * Names sort in the order they run; never rename or edit one that has shipped, add the next.
 */
export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-initial': { up: (db) => initial.up(db, dialect) },
    '0002-rules': { up: (db) => rules.up(db, dialect) },
    '0006-users': { up: (db) => users.up(db, dialect) },
    '0004-print-streams': { up: (db) => printStreams.up(db, dialect) },
    '0005-archive-log': { up: (db) => archiveLog.up(db, dialect) },
    '0003-dispatch': { up: (db) => dispatch.up(db, dialect) },
    '0007-feedback': { up: (db) => feedback.up(db, dialect) },
    '0008-studio': { up: (db) => studio.up(db, dialect) },
    '0009-batch': { up: (db) => batch.up(db, dialect) },
    '0010-run-sources': { up: (db) => runSources.up(db, dialect) },
    '0011-feeds': { up: (db) => feeds.up(db, dialect) },
    '0012-tracked-links': { up: (db) => trackedLinks.up(db, dialect) },
    '0013-pending-blobs': { up: (db) => pendingBlobs.up(db, dialect) },
    '0014-portal': { up: (db) => portal.up(db, dialect) },
    '0015-customer-search-keys': { up: (db) => customerSearchKeys.up(db, dialect) },
    '0016-run-supersede': { up: (db) => runSupersede.up(db, dialect) },
    '0017-on-demand': { up: (db) => onDemand.up(db, dialect) },
    '0018-agent-copies': { up: (db) => agentCopies.up(db, dialect) },
    '0019-user-time-zone': { up: (db) => userTimeZone.up(db, dialect) },
    '0020-print-file-documents': { up: (db) => printFileDocuments.up(db, dialect) },
    '0022-communication-corrections': { up: (db) => communicationCorrections.up(db, dialect) },
    '0023-portal-links': { up: (db) => portalLinks.up(db, dialect) },
    '0024-studio-assets': { up: (db) => studioAssets.up(db, dialect) },
    '0024-studio-brand-changes': { up: (db) => studioBrandChanges.up(db, dialect) },
    '0025-studio-draft-history': { up: (db) => studioDraftHistory.up(db, dialect) },
  };
  return { getMigrations: async () => migrations };
}
