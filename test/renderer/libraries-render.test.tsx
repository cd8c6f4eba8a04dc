// @vitest-environment jsdom
// Pure rendering of the dashboard's live progress: fixed views from a test-local API (no core
// needed to check how a snapshot is drawn), progress pushed through the real event bus.
import { Profiler } from 'react';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src-main/core/api/event-bus';
import { App } from '../../src-renderer/App';
import { createAppStores } from '../../src-renderer/stores';
import { PROGRESS_FLUSH_MS } from '../../src-renderer/stores/libraries-store';
import type { SyncProgress } from '../../src-shared/sync-types';
import { fixedApi } from './fixed-api';

afterEach(() => cleanup());

/** A snapshot as main sends it: one service event. */
const emitProgress = (bus: ReturnType<typeof createEventBus>, progress: SyncProgress) =>
  bus.emit('service:event', { type: 'progress', progress, at: Date.now() });

describe('library cards', () => {
  it('draw counts by state and the live progress of a running sync', async () => {
    const bus = createEventBus();
    render(<App stores={createAppStores(fixedApi(bus))} />);

    const movies = await screen.findByRole('article', { name: 'Movies' });
    expect(within(movies).getByTestId('count-1-movie').textContent).toBe('1,494');
    expect(within(movies).getByText('File not found').parentElement?.textContent).toContain('12');
    const tv = screen.getByRole('article', { name: 'TV Shows' });
    expect(within(tv).getByTestId('count-2-episode').textContent).toBe('17,000');
    // Queued/running without a snapshot yet: an indeterminate bar and Cancel instead of Sync now.
    expect(within(tv).getByRole('progressbar').getAttribute('aria-valuenow')).toBeNull();
    expect(within(tv).getByRole('button', { name: 'Cancel' })).toBeTruthy();
    expect(within(movies).getByRole('button', { name: 'Sync now' })).toBeTruthy();

    await act(async () => {
      emitProgress(bus, {
        runId: 9,
        serverId: 1,
        libraryId: 2,
        libraryTitle: 'TV Shows',
        phase: 'episodes',
        done: 8123,
        total: 17_000,
        itemsPerSecond: 412.4,
        etaSeconds: 21.5,
        currentTitle: 'S02E05 · Home',
      });
      await new Promise((r) => setTimeout(r, PROGRESS_FLUSH_MS + 50));
    });
    const bar = within(tv).getByRole('progressbar', { name: 'TV Shows sync progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('47');
    expect(within(tv).getByText('Listing episodes')).toBeTruthy();
    expect(within(tv).getByText(/8,123 of 17,000 · 47%/)).toBeTruthy();
    expect(within(tv).getByText(/412 items\/s · about 22 s left/)).toBeTruthy();
    expect(within(tv).getByText('S02E05 · Home')).toBeTruthy();
    // The sidebar shows one library syncing.
    expect(screen.getByLabelText('1 syncing')).toBeTruthy();
  });

  it('show the phase in words, never "0 / 0 · ETA < 1 s", before Plex has told the total', async () => {
    const bus = createEventBus();
    render(<App stores={createAppStores(fixedApi(bus))} />);
    const tv = await screen.findByRole('article', { name: 'TV Shows' });
    await act(async () => {
      emitProgress(bus, {
        runId: 9,
        serverId: 1,
        libraryId: 2,
        libraryTitle: 'TV Shows',
        phase: 'sections',
        done: 0,
        total: 0,
        itemsPerSecond: 0,
        etaSeconds: 0,
        currentTitle: null,
      });
      await new Promise((r) => setTimeout(r, PROGRESS_FLUSH_MS + 50));
    });
    expect(within(tv).getByText('Asking Plex what changed')).toBeTruthy();
    expect(within(tv).getByRole('progressbar').getAttribute('aria-valuenow')).toBeNull();
    expect(tv.textContent).not.toMatch(/0 \/ 0|ETA|items\/s/);
  });

  it('name the server on each card and say when nothing changed', async () => {
    const bus = createEventBus();
    const now = Date.now();
    render(
      <App
        stores={createAppStores(
          fixedApi(bus, {
            'sync:queue': [],
            'status:libraries': [
              {
                libraryId: 1,
                lastCheckedAt: now - 5_000,
                openErrors: 0,
                lastRun: {
                  runId: 3,
                  status: 'skipped',
                  kind: 'incremental',
                  trigger: 'manual',
                  startedAt: now - 6_000,
                  finishedAt: now - 5_000,
                  changed: 0,
                  checked: 0,
                  errors: 0,
                },
              },
              {
                libraryId: 2,
                lastCheckedAt: now - 3_600_000,
                openErrors: 2,
                lastRun: {
                  runId: 4,
                  status: 'failed',
                  kind: 'incremental',
                  trigger: 'schedule',
                  startedAt: now - 60_000,
                  finishedAt: now - 50_000,
                  changed: 0,
                  checked: 10,
                  errors: 2,
                },
              },
            ],
          }),
        )}
      />,
    );
    const movies = await screen.findByRole('article', { name: 'Movies' });
    expect(within(movies).getByText('Movies on NAS')).toBeTruthy();
    expect(within(movies).getByTestId('state-1').textContent).toBe('Up to date — checked just now');
    const tv = screen.getByRole('article', { name: 'TV Shows' });
    expect(within(tv).getByTestId('state-2').textContent).toMatch(/^Last sync failed — 2 open errors/);
    expect(within(tv).getByRole('button', { name: 'See what went wrong' })).toBeTruthy();
    // The pill agrees with the cards: a failed last run is not green.
    expect(screen.getByTestId('health-pill').getAttribute('data-tone')).toBe('warn');
  });

  it('group cards by server when there are several, each card naming its server', async () => {
    const bus = createEventBus();
    const base = fixedApi(bus);
    const [movies, tv] = await base.invoke('libraries:list', {});
    const [nas] = await base.invoke('servers:list');
    render(
      <App
        stores={createAppStores(
          fixedApi(bus, {
            'servers:list': [nas!, { ...nas!, id: 2, name: 'Friend’s server', machineIdentifier: 'f' }],
            'libraries:list': [movies!, { ...tv!, serverId: 2 }],
          }),
        )}
      />,
    );
    const group = await screen.findByRole('region', { name: 'Libraries on Friend’s server' });
    expect(within(group).getByRole('article', { name: 'TV Shows' })).toBeTruthy();
    expect(within(group).getByText('TV shows on Friend’s server')).toBeTruthy();
    const nasGroup = screen.getByRole('region', { name: 'Libraries on NAS' });
    expect(within(nasGroup).getByRole('article', { name: 'Movies' })).toBeTruthy();
  });

  it('tell a background sync that changed something on the page in web mode, once per sign-in problem', async () => {
    const bus = createEventBus();
    render(<App stores={createAppStores(fixedApi(bus))} />);
    await screen.findByRole('article', { name: 'Movies' });
    const result = {
      runId: 5,
      serverId: 1,
      libraryId: 1,
      libraryTitle: 'Movies',
      kind: 'incremental' as const,
      trigger: 'schedule' as const,
      status: 'succeeded' as const,
      skippedUnchanged: false,
      resumedFromRunId: null,
      durationMs: 900,
      errorMessage: null,
      added: 2,
      updated: 1,
      removed: 0,
      unchanged: 40,
      errors: 0,
      apiCalls: 3,
      rowsWritten: 9,
    };
    act(() => bus.emit('service:event', { type: 'finished', result, at: Date.now() }));
    await screen.findByText('Movies: synced — 3 items changed');
    // Nothing new in the background is not news.
    act(() =>
      bus.emit('service:event', {
        type: 'finished',
        result: {
          ...result,
          runId: 6,
          libraryTitle: 'TV Shows',
          libraryId: 2,
          added: 0,
          updated: 0,
          skippedUnchanged: true,
          status: 'skipped',
        },
        at: Date.now(),
      }),
    );
    const login = {
      type: 'needs_login' as const,
      scope: 'server' as const,
      serverId: 1,
      message: 'refused',
      at: Date.now(),
    };
    act(() => bus.emit('service:event', login));
    act(() => bus.emit('service:event', { ...login, at: login.at + 1 }));
    await screen.findByText(/no longer accepts RetroVue’s sign-in/);
    expect(screen.getAllByText(/no longer accepts RetroVue’s sign-in. Use/)).toHaveLength(1);
    expect(screen.queryByText(/TV Shows: up to date/)).toBeNull();
  });

  it('re-renders a handful of times, not 17,000, while a 17K-item sync streams progress', async () => {
    const bus = createEventBus();
    let commits = 0;
    render(
      <Profiler id="app" onRender={() => commits++}>
        <App stores={createAppStores(fixedApi(bus))} />
      </Profiler>,
    );
    const tv = await screen.findByRole('article', { name: 'TV Shows' });
    const before = commits;
    const started = performance.now();
    await act(async () => {
      for (let batch = 0; batch < 17; batch++) {
        for (let i = 1; i <= 1000; i++) {
          const done = batch * 1000 + i;
          emitProgress(bus, {
            runId: 9,
            serverId: 1,
            libraryId: 2,
            libraryTitle: 'TV Shows',
            phase: 'episodes',
            done,
            total: 17_000,
            itemsPerSecond: 900,
            etaSeconds: (17_000 - done) / 900,
            currentTitle: `Episode ${done}`,
          });
        }
        await new Promise((r) => setTimeout(r, 60));
      }
      await new Promise((r) => setTimeout(r, PROGRESS_FLUSH_MS + 50));
    });
    const elapsed = performance.now() - started;
    expect(
      within(tv).getByRole('progressbar', { name: 'TV Shows sync progress' }).getAttribute('aria-valuenow'),
    ).toBe('100');
    // ~1 s of streaming at a 250 ms flush: a few commits (each may be a couple of renders).
    expect(commits - before).toBeLessThanOrEqual(20);
    console.log(`17,000 progress events: ${commits - before} React commits in ${Math.round(elapsed)} ms`);
  });

  it("say when a sync that couldn't reach the server is tried again, and a request's retry wait", async () => {
    const bus = createEventBus();
    const now = Date.now();
    const base = await fixedApi(bus).invoke('health:get');
    render(
      <App
        stores={createAppStores(
          fixedApi(bus, {
            'sync:queue': [
              {
                libraryId: 1,
                libraryTitle: 'Movies',
                kind: 'incremental',
                trigger: 'manual',
                status: 'retrying',
                runId: null,
                enqueuedAt: now - 1000,
                retryAt: now + 30_000,
                errorClass: 'network',
              },
            ],
            'health:get': {
              ...base,
              servers: [
                {
                  serverId: 1,
                  name: 'NAS',
                  added: true,
                  state: 'failing',
                  reasons: ['unreachable'],
                  openErrors: 1,
                  reachable: false,
                  tokenOk: true,
                  needsLogin: false,
                  consecutiveErrors: 1,
                  cooldownUntil: null,
                  chosenUri: 'http://127.0.0.1:32400',
                  latencyMs: null,
                },
              ],
            },
          }),
        )}
      />,
    );
    const movies = await screen.findByRole('article', { name: 'Movies' });
    await within(movies).findByText(/^Couldn't reach NAS — retrying in (29|30) s$/);
    // Waiting for its retry is not running: no progress bar, and "Sync now" tries at once.
    expect(within(movies).queryByRole('progressbar')).toBeNull();
    expect(within(movies).getByRole('button', { name: 'Sync now' })).toBeTruthy();

    const tv = screen.getByRole('article', { name: 'TV Shows' });
    await act(async () => {
      emitProgress(bus, {
        runId: 9,
        serverId: 1,
        libraryId: 2,
        libraryTitle: 'TV Shows',
        phase: 'details',
        done: 400,
        total: 17_000,
        itemsPerSecond: 120,
        etaSeconds: 140,
        currentTitle: null,
        retry: { reason: 'a server error', seconds: 8, attempt: 2, maxAttempts: 4, until: Date.now() + 8000 },
      });
      await new Promise((r) => setTimeout(r, PROGRESS_FLUSH_MS + 50));
    });
    expect(within(tv).getByText('Waiting 8 s after a server error, try 2 of 4')).toBeTruthy();
    expect(within(tv).queryByText('Reading details')).toBeNull();
  });
});
