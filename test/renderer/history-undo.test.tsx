// @vitest-environment jsdom
// Item history in the item detail and "Undo run" in Activity, over the real core after real syncs
// from the fake Plex: a bad sync is never final.
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src-renderer/App';
import { createAppStores } from '../../src-renderer/stores';
import { prepareSynced, startCoreHarness, waitUntil, type CoreHarness } from './harness';

globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

let h: CoreHarness;
let original: string;
const RETITLED = 'Retitled Upstream By Mistake';
beforeAll(async () => {
  h = await startCoreHarness();
  await prepareSynced(h);
  const movie = h.fake.control.snapshot().items.find((i) => i.type === 'movie')!;
  original = movie.title;
  h.fake.control.change(movie.ratingKey, { title: RETITLED });
  const movies = (await h.api.invoke('libraries:list', {})).find((l) => l.type === 'movie')!;
  const before = (await h.api.invoke('stats:get', { since: 0 })).runs.length;
  await h.api.invoke('sync:start', { libraryIds: [movies.id] });
  await waitUntil(async () => {
    const stats = await h.api.invoke('stats:get', { since: 0 });
    return stats.runs.length > before && (await h.api.invoke('sync:queue')).length === 0;
  }, 20_000);
}, 60_000);
afterAll(async () => {
  await h.stop();
});
afterEach(() => cleanup());

describe('History and undo', () => {
  it('the item detail lists the change with the value before and after', async () => {
    const user = userEvent.setup();
    window.history.replaceState(null, '', '#/items');
    render(<App stores={createAppStores(h.api, 'items')} />);
    await user.type(await screen.findByRole('searchbox', {}, { timeout: 5000 }), RETITLED);
    const [link] = await screen.findAllByRole('button', { name: RETITLED }, { timeout: 3000 });
    await user.click(link!);
    const detail = await screen.findByRole('complementary', { name: RETITLED });
    const list = within(detail).getByRole('list', { name: 'History' });
    expect(within(list).getByText(original)).toBeTruthy();
    expect(within(list).getByText(RETITLED)).toBeTruthy();
  }, 30_000);

  it('Activity undoes the run after showing what it will set back', async () => {
    const user = userEvent.setup();
    window.history.replaceState(null, '', '#/activity');
    render(<App stores={createAppStores(h.api, 'activity')} />);
    const [undo] = await screen.findAllByRole('button', { name: 'Undo run…' }, { timeout: 5000 });
    await user.click(undo!);
    await screen.findByText(/^Set back \d+ fields?\?$/);
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await screen.findByText(/^Set back \d+ fields?$/);
    const page = await h.api.invoke('items:search', { kind: 'movie', query: original });
    expect(page.rows.map((r) => r.title)).toContain(original);
    expect((await h.api.invoke('items:search', { kind: 'movie', query: RETITLED })).total).toBe(0);
  }, 30_000);
});
