// Shared by the fidelity tests (issue 12): lookups of what the fake serves and what the store holds.
import type { FakePlex } from '../fake-plex/index';
import type { SyncSetup } from './helpers';

export function libraryIdOf(setup: SyncSetup, type: 'movie' | 'show'): number {
  return (setup.store.sqlite.prepare(`select id from libraries where type = ?`).get(type) as { id: number })
    .id;
}

/** Movie ratingKeys in the order the product lists them (sort=addedAt,id). */
export function movieRatingKeysInListingOrder(fake: FakePlex): string[] {
  return fake.control
    .snapshot()
    .items.filter((i) => i.type === 'movie')
    .sort((a, b) => a.addedAt - b.addedAt || Number(a.ratingKey) - Number(b.ratingKey))
    .map((i) => i.ratingKey);
}

/** Total SQLite changes on this connection so far (inserts, updates, deletes). */
export function totalChanges(setup: SyncSetup): number {
  return (setup.store.sqlite.prepare('select total_changes() as n').get() as { n: number }).n;
}
