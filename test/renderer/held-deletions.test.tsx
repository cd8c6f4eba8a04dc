// @vitest-environment jsdom
// Held mass deletions on the library card, over the real core and the fake Plex (issue 12): a sync
// asked for here that would remove most of a library holds the removals, the page says so once, and
// the card's "Confirm deletions" removes exactly the held items while "Keep" keeps them.
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
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
beforeAll(async () => {
  h = await startCoreHarness();
  await prepareSynced(h);
}, 60_000);
afterAll(async () => {
  await h.stop();
});
afterEach(() => cleanup());

const liveMovies = () =>
  h.fake.control
    .snapshot()
    .items.filter((i) => i.type === 'movie')
    .map((i) => i.ratingKey);

async function removedMovies(): Promise<number> {
  const movies = (await h.api.invoke('libraries:list', {})).find((l) => l.type === 'movie')!;
  return movies.counts.movie?.file_not_found ?? 0;
}

/** Deletes `n` movies in Plex, then asks for a sync on the Movies card; resolves with the card. */
async function holdThroughTheCard(n: number): Promise<HTMLElement> {
  for (const k of liveMovies().slice(0, n)) h.fake.control.delete(k);
  const user = userEvent.setup();
  window.history.replaceState(null, '', '#/libraries');
  render(<App stores={createAppStores(h.api, 'libraries')} />);
  const card = await screen.findByRole('article', { name: 'Movies' }, { timeout: 5000 });
  await user.click(within(card).getByRole('button', { name: 'Sync now' }));
  await within(card).findByRole('button', { name: 'Confirm deletions' }, { timeout: 20_000 });
  return card;
}

describe('held deletions on the library card', () => {
  it('a held sync tells it once on the page; "Confirm deletions" removes the held items', async () => {
    const card = await holdThroughTheCard(6);
    const panel = within(card).getByTestId(/^held-/);
    expect(panel.textContent).toContain('Plex no longer lists 6 of 12 items');
    const notices = await screen.findAllByText(/Plex no longer lists 6 of 12 items of Movies/);
    expect(notices.filter((n) => n.closest('.notices'))).toHaveLength(1);
    expect(await removedMovies()).toBe(0);
    await userEvent.setup().click(within(card).getByRole('button', { name: 'Confirm deletions' }));
    await screen.findByText('Movies: 6 items removed', {}, { timeout: 5000 });
    await waitFor(() => expect(within(card).queryByTestId(/^held-/)).toBeNull());
    expect(await removedMovies()).toBe(6);
  }, 40_000);

  it('"Keep" keeps the items and the card says they are kept; nothing removed', async () => {
    // 2 of the 6 left: above the 20% threshold again.
    const card = await holdThroughTheCard(2);
    await userEvent.setup().click(within(card).getByRole('button', { name: 'Keep' }));
    await within(card).findByText(/Kept 2 of 6 items that Plex no longer lists/, {}, { timeout: 5000 });
    expect(within(card).queryByRole('button', { name: 'Confirm deletions' })).toBeNull();
    expect(within(card).getByRole('button', { name: 'Remove them' })).toBeTruthy();
    expect(await removedMovies()).toBe(6);
    await waitUntil(async () => (await h.api.invoke('sync:queue')).length === 0);
  }, 40_000);
});
