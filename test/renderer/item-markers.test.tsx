// @vitest-environment jsdom
// The item detail lists an item's intro/credits/commercial markers, synced from the fake Plex.
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src-renderer/App';
import { timecode } from '../../src-renderer/lib/format';
import { createAppStores } from '../../src-renderer/stores';
import { prepareSynced, startCoreHarness, type CoreHarness } from './harness';

globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

let h: CoreHarness;
beforeAll(async () => {
  h = await startCoreHarness({ shows: 2, episodes: 12 });
  await prepareSynced(h);
}, 60_000);
afterAll(async () => {
  await h.stop();
});
afterEach(() => cleanup());

describe('Item detail', () => {
  it('shows the markers of an episode with their offsets', async () => {
    const user = userEvent.setup();
    const episode = h.fake.control
      .snapshot()
      .items.find((i) => i.type === 'episode' && (i.details?.markers.length ?? 0) > 0)!;
    const markers = episode.details!.markers;
    window.history.replaceState(null, '', '#/items');
    render(<App stores={createAppStores(h.api, 'items')} />);
    await user.click(await screen.findByRole('button', { name: 'Episodes' }, { timeout: 5000 }));
    await user.type(screen.getByRole('searchbox'), episode.title);
    const [link] = await screen.findAllByRole('button', { name: episode.title }, { timeout: 3000 });
    await user.click(link!);
    const detail = await screen.findByRole('complementary', { name: episode.title });
    within(detail).getByRole('heading', { name: 'Markers' });
    const list = within(detail).getByRole('list', { name: 'Markers' });
    const shown = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    const expected = [...markers]
      .sort((a, b) => a.startTimeOffset - b.startTimeOffset)
      .map((m) => `${timecode(m.startTimeOffset)}–${timecode(m.endTimeOffset)} ${m.type}`);
    expect(shown).toEqual(expected);
  }, 30_000);
});
