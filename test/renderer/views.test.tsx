// @vitest-environment jsdom
// The main pages over the real core after a real sync from the fake Plex: what the person sees and
// what their clicks change in the database.
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src-renderer/App';
import { createAppStores } from '../../src-renderer/stores';
import type { Route } from '../../src-renderer/stores/ui-store';
import { prepareSynced, startCoreHarness, waitUntil, type CoreHarness } from './harness';

// jsdom has no layout: recharts' ResponsiveContainer only needs the observer to exist.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

let h: CoreHarness;
beforeAll(async () => {
  h = await startCoreHarness();
  // One library at a time, Movies first: the first details request, which answers 500, is Movies'
  // (runs in worker threads would otherwise race for it), so that library's first sync fails.
  await h.api.invoke('config:update', { concurrent_scans: 1 });
  h.fake.control.addFault({ kind: 'error', status: 500, path: '/library/metadata/*', times: 1 });
  await prepareSynced(h);
}, 60_000);
afterAll(async () => {
  await h.stop();
});
afterEach(() => cleanup());

function renderAt(route: Route) {
  window.history.replaceState(null, '', `#/${route}`);
  const stores = createAppStores(h.api, route);
  render(<App stores={stores} />);
  return stores;
}

describe('Libraries', () => {
  it('shows each library with counts matching the fake, and queues a deep scan', async () => {
    const user = userEvent.setup();
    renderAt('libraries');
    const snapshot = h.fake.control.snapshot().items;
    const card = await screen.findByRole('article', { name: 'TV Shows' }, { timeout: 5000 });
    expect(within(card).getByTestId(/count-\d+-episode/).textContent).toBe(
      String(snapshot.filter((i) => i.type === 'episode').length),
    );
    expect(within(card).getByTestId(/count-\d+-show/).textContent).toBe(
      String(snapshot.filter((i) => i.type === 'show').length),
    );
    await user.click(within(card).getByRole('button', { name: 'Deep scan' }));
    await waitUntil(async () => {
      const runs = (await h.api.invoke('stats:get', { since: 0 })).runs;
      return runs.some((r) => r.kind === 'deep' && r.libraryTitle === 'TV Shows');
    }, 20_000);
  }, 30_000);
});

describe('Errors', () => {
  it('lists the sync error with its context, filters by class, retries and resolves it', async () => {
    const user = userEvent.setup();
    renderAt('errors');
    const sentence = /Plex answered 500 \(server error\) for/;
    const message = await screen.findByRole('button', { name: sentence }, { timeout: 5000 });
    await user.click(message);
    let detail = await screen.findByRole('complementary', { name: /error #\d+/i });
    // A 5xx is a server error, not "Network"; the raw status sits under Details.
    expect(within(detail).getByRole('heading', { name: /^Server error · Error #\d+$/ })).toBeTruthy();
    expect(within(detail).getByText(/Plex may be busy; RetroVue retries automatically/)).toBeTruthy();
    expect(within(detail).getByText('HTTP status').nextElementSibling?.textContent).toBe('500');

    await user.selectOptions(screen.getByLabelText('Class'), 'auth');
    await screen.findByText('No errors');
    await user.selectOptions(screen.getByLabelText('Class'), 'network');
    await user.click(await screen.findByRole('button', { name: sentence }));
    detail = await screen.findByRole('complementary', { name: /error #\d+/i });

    // Retry syncs the failed library again; the fault is spent, so it now matches the fake.
    const failed = (await h.api.invoke('errors:list', {})).rows[0]!;
    await user.click(within(detail).getByRole('button', { name: 'Retry now' }));
    await screen.findByText('Retry queued.');
    const expected = h.fake.control.snapshot().items.filter((i) => i.type === 'movie').length;
    await waitUntil(async () => {
      const library = (await h.api.invoke('libraries:list', {})).find((l) => l.id === failed.libraryId);
      return Object.values(library?.counts.movie ?? {}).reduce((a, n) => a + (n ?? 0), 0) === expected;
    }, 20_000);

    await user.click(within(detail).getByRole('button', { name: 'Mark resolved' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: sentence })).toBeNull());
    const open = await h.api.invoke('errors:list', { includeResolved: false });
    expect(open.rows.some((r) => r.id === failed.id)).toBe(false);
    const all = await h.api.invoke('errors:list', { includeResolved: true });
    expect(all.rows.find((r) => r.id === failed.id)?.retryCount).toBe(1);
  }, 40_000);
});

describe('Schedules', () => {
  it('validates a cron expression live and saves it', async () => {
    const user = userEvent.setup();
    renderAt('schedules');
    const [first] = await screen.findAllByRole('article', {}, { timeout: 5000 });
    await user.click(within(first!).getByRole('button', { name: 'Edit schedule' }));
    const input = within(first!).getByLabelText(/cron expression/i);
    await user.clear(input);
    await user.type(input, '61 * * * *');
    await within(first!).findByText(/✗|invalid/i, {}, { timeout: 3000 });
    expect((within(first!).getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);

    await user.clear(input);
    await user.type(input, '20 5 * * *');
    await within(first!).findByText(/✓/, {}, { timeout: 3000 });
    await user.click(within(first!).getByRole('button', { name: 'Save' }));
    await within(first!).findByText('20 5 * * *', { selector: 'code' });
    const saved = await h.api.invoke('schedules:list');
    expect(saved.some((s) => s.cron === '20 5 * * *')).toBe(true);
  }, 30_000);

  it('disables a schedule', async () => {
    const user = userEvent.setup();
    renderAt('schedules');
    const [first] = await screen.findAllByRole('article', {}, { timeout: 5000 });
    const toggle = within(first!).getByRole('checkbox');
    const before = (toggle as HTMLInputElement).checked;
    await user.click(toggle);
    await waitFor(() => expect((toggle as HTMLInputElement).checked).toBe(!before));
    const id = (await h.api.invoke('schedules:list'))[0]!;
    expect(id.enabled).toBe(!before);
  }, 30_000);
});

describe('Items', () => {
  it('searches episodes and opens one with its files and streams', async () => {
    const user = userEvent.setup();
    renderAt('items');
    const episode = h.fake.control.snapshot().items.find((i) => i.type === 'episode')!;
    await user.click(await screen.findByRole('button', { name: 'Episodes' }, { timeout: 5000 }));
    await user.type(screen.getByRole('searchbox'), episode.title);
    const [link] = await screen.findAllByRole('button', { name: episode.title }, { timeout: 3000 });
    await user.click(link!);
    const detail = await screen.findByRole('complementary', { name: episode.title });
    within(detail).getByRole('heading', { name: 'Files' });
    expect(within(detail).getAllByRole('row').length).toBeGreaterThan(1);
    // Escape closes it.
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('complementary', { name: episode.title })).toBeNull());
  }, 30_000);

  it('explains a state where it shows, and closes the detail when the kind changes', async () => {
    const user = userEvent.setup();
    renderAt('items');
    const items = h.fake.control.snapshot().items;
    const show = items.find((i) => i.type === 'show')!;
    await user.click(await screen.findByRole('button', { name: 'Shows' }, { timeout: 5000 }));
    await user.type(screen.getByRole('searchbox'), show.title);
    await screen.findAllByRole('button', { name: show.title }, { timeout: 3000 });
    await user.click(screen.getAllByRole('button', { name: show.title })[0]!);
    await screen.findByRole('complementary', { name: show.title });
    // Another kind: the show's detail does not stay beside a list of episodes.
    await user.click(screen.getByRole('button', { name: 'Episodes' }));
    await waitFor(() => expect(screen.queryByRole('complementary', { name: show.title })).toBeNull());

    const episode = items.find((i) => i.type === 'episode')!;
    await user.clear(screen.getByRole('searchbox'));
    await user.type(screen.getByRole('searchbox'), episode.title);
    const [link] = await screen.findAllByRole('button', { name: episode.title }, { timeout: 3000 });
    await user.click(link!);
    const detail = await screen.findByRole('complementary', { name: episode.title });
    // No path mapping in this harness: the file is only on the server, and the detail says what to do.
    expect(within(detail).getByText('Remote only').getAttribute('title')).toMatch(/path mapping/);
    expect(within(detail).getByTestId('state-help').textContent).toMatch(
      /^Remote only: Plex has this file, but no path mapping .* Add a path mapping/,
    );
  }, 30_000);
});

describe('Settings', () => {
  it('validates with the shared schema and saves only what changed', async () => {
    const user = userEvent.setup();
    const stores = renderAt('settings');
    // Basic settings first; the desktop-only ones are not offered in the browser.
    await screen.findByLabelText('Refresh every', {}, { timeout: 5000 });
    expect(screen.queryByLabelText('Start at login')).toBeNull();
    expect(screen.queryByLabelText('Close to tray')).toBeNull();
    await user.click(screen.getByText('Advanced'));
    const batch = screen.getByLabelText('Items per page');
    await user.clear(batch);
    await user.type(batch, '5');
    await screen.findByText(/setting needs fixing/i);
    // In words, not "Too small: expected number to be >=10".
    expect(screen.getByText('Use at least 10')).toBeTruthy();
    await user.clear(batch);
    await screen.findByText('Enter a number');
    // Leaving with unsaved changes asks first; saying no keeps the page.
    const confirm = window.confirm;
    window.confirm = () => false;
    try {
      expect(stores.ui.getState().navigate('libraries')).toBe(false);
      expect(stores.ui.getState().route).toBe('settings');
    } finally {
      window.confirm = confirm;
    }
    expect((screen.getByRole('button', { name: 'Save settings' }) as HTMLButtonElement).disabled).toBe(true);
    await user.clear(batch);
    await user.type(batch, '120');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText('Settings saved.');
    expect((await h.api.invoke('config:get')).batch_size).toBe(120);
  }, 30_000);
});

describe('Settings extras', () => {
  it('opens the log folder and saves a path mapping', async () => {
    const user = userEvent.setup();
    renderAt('settings');
    await user.click(await screen.findByRole('button', { name: 'Open log folder' }, { timeout: 5000 }));
    const info = await h.api.invoke('app:info');
    await waitFor(() => expect(h.opened).toEqual([info.logDir]));

    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    await user.type(screen.getByLabelText('Plex path 1'), '/data/tv');
    await user.type(screen.getByLabelText('Local path 1'), '/srv/tv');
    await screen.findByText(/^This folder does not exist on this computer\./);
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    // Saving re-checked the stored files right away and says what it found.
    await screen.findByText(
      /^Settings saved\. Path mappings saved and \d+ files checked: 0 items became available\.$/,
    );
    expect((await h.api.invoke('config:get')).path_replacements).toEqual([
      { from: '/data/tv', to: '/srv/tv' },
    ]);
  }, 30_000);
});

describe('Header', () => {
  it('pauses and resumes syncing', async () => {
    const user = userEvent.setup();
    renderAt('libraries');
    await user.click(await screen.findByRole('button', { name: 'Pause syncing' }, { timeout: 5000 }));
    await screen.findByRole('button', { name: 'Resume syncing' });
    expect((await h.api.invoke('health:get')).service).toBe('paused');
    await user.click(screen.getByRole('button', { name: 'Resume syncing' }));
    await screen.findByRole('button', { name: 'Pause syncing' });
    expect((await h.api.invoke('health:get')).service).toBe('running');
  }, 30_000);
});

describe('Activity and About', () => {
  it('summarises the runs and shows health', async () => {
    renderAt('activity');
    await screen.findByText('Sync runs', {}, { timeout: 5000 });
    const stats = await h.api.invoke('stats:get', { since: Date.now() - 30 * 86_400_000 });
    const tile = screen.getByText('Sync runs').parentElement!;
    expect(within(tile).getByText(String(stats.totals.runs))).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Recent runs' })).toBeTruthy();
    cleanup();

    renderAt('about');
    await screen.findByRole('heading', { name: 'Servers' }, { timeout: 5000 });
    expect(await screen.findByText(h.fake.serverName)).toBeTruthy();
  }, 30_000);
});

describe('Stopping and forgetting', () => {
  it('stops syncing a library, then forgets the server and goes back to picking one', async () => {
    const user = userEvent.setup();
    window.confirm = () => true;
    renderAt('libraries');
    const movies = await screen.findByRole('article', { name: 'Movies' }, { timeout: 5000 });
    await user.click(within(movies).getByRole('button', { name: 'Stop syncing' }));
    await waitFor(() => expect(screen.queryByRole('article', { name: 'Movies' })).toBeNull());
    const libraries = await h.api.invoke('libraries:list', {});
    expect(libraries.find((l) => l.title === 'Movies')?.selected).toBe(false);
    expect(libraries.find((l) => l.title === 'TV Shows')?.selected).toBe(true);
    cleanup();

    const removedId = libraries.find((l) => l.title === 'TV Shows')!.serverId;
    renderAt('about');
    const row = (await screen.findByText(h.fake.serverName, {}, { timeout: 5000 })).closest('tr')!;
    await user.click(within(row as HTMLElement).getByRole('button', { name: 'Remove' }));
    // Nothing left to sync: the app goes back to picking a server (still signed in).
    await screen.findByRole('heading', { name: 'Choose a server' }, { timeout: 5000 });
    expect((await h.api.invoke('libraries:list', {})).some((l) => l.serverId === removedId)).toBe(false);
    // Discovery on that page finds the server again through plex.tv, ready to be picked anew.
    await screen.findByRole('radio', { name: new RegExp(h.fake.serverName) }, { timeout: 8000 });
  }, 30_000);
});
