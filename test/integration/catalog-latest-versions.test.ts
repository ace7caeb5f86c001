import { describe, expect, it } from 'vitest';
import { listLatestCatalogVersionIds, publishCatalogVersion } from '../../src/store/offers.ts';
import { openFeedbackStore } from '../support/feedback-stores.ts';

/** The customer page's labels come from the newest version of every published catalog, on both databases. */
describe.each(['sqlite', 'postgres'] as const)('latest catalog versions (%s)', (dialect) => {
  it('lists the newest version of each catalog, the most recently published first', async () => {
    const temp = await openFeedbackStore(dialect);
    try {
      const db = temp.store.db;
      const bank1 = await publishCatalogVersion(db, { name: 'bank', definition: { offers: [{ id: 'a' }] } });
      const telco = await publishCatalogVersion(db, { name: 'telco', definition: { offers: [{ id: 't' }] } });
      await new Promise((resolve) => setTimeout(resolve, 5)); // published_at is to the millisecond
      const bank2 = await publishCatalogVersion(db, {
        name: 'bank',
        definition: { offers: [{ id: 'a' }], note: 'labels' },
      });
      expect(bank2.catalogVersion.version).toBe(2);
      const latest = await listLatestCatalogVersionIds(db);
      expect(latest.map((v) => v.id)).toEqual([bank2.catalogVersion.id, telco.catalogVersion.id]);
      expect(latest.map((v) => v.id)).not.toContain(bank1.catalogVersion.id);
    } finally {
      await temp.close();
    }
  });
});
