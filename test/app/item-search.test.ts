// Item search over the real core and SQLite file: accents and case do not hide a title.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldForSearch } from '../../src-main/core/store/repositories/item-query-repository';
import { startCore, type CoreFixture } from './core-helpers';

let fx: CoreFixture;

describe('item search', () => {
  beforeAll(async () => {
    fx = await startCore({ server: true });
    fx.fake.control.addMovie({ title: 'Amélie' });
    fx.fake.control.addMovie({ title: 'Ça tourne à Manhattan' });
    const libraries = await fx.value('libraries:list', {});
    await fx.value('libraries:select', { libraryIds: libraries.map((l) => l.id), selected: true });
    await fx.waitForEvent(
      'service:event',
      (e) => e.type === 'finished' && e.result.libraryTitle === 'Movies',
      30_000,
    );
  }, 60_000);
  afterAll(async () => fx?.close());

  it('folds accents and case on both sides', () => {
    expect(foldForSearch('AMÉLIE')).toBe('amelie');
    expect(foldForSearch('Ça')).toBe('ca');
  });

  it('"amelie" finds "Amélie", and "ca tourne" finds "Ça tourne à Manhattan"', async () => {
    const titles = async (query: string) =>
      (await fx.value('items:search', { kind: 'movie', query })).rows.map((r) => r.title);
    expect(await titles('amelie')).toEqual(['Amélie']);
    expect(await titles('AMÉLIE')).toEqual(['Amélie']);
    expect(await titles('ca tourne a')).toEqual(['Ça tourne à Manhattan']);
    // LIKE wildcards stay literal.
    expect(await titles('%')).toEqual([]);
  });
});
