// The health pill's reading: green only when every chosen library is fine and nothing is open.
import { describe, expect, it } from 'vitest';
import type { LibraryStatusView, LibraryView } from '../../src-shared/ipc/contract';
import type { HealthStatus, ServerHealth } from '../../src-shared/service-events';
import { libraryCardState, summarizeHealth } from '../../src-renderer/lib/health';

const now = 1_800_000_000_000;
const server = (serverId: number, patch: Partial<ServerHealth> = {}): ServerHealth => ({
  serverId,
  name: serverId === 1 ? 'Fake Plex Server' : 'Friend’s server',
  state: 'ok',
  reasons: [],
  openErrors: 0,
  reachable: true,
  tokenOk: true,
  needsLogin: false,
  added: serverId === 1,
  consecutiveErrors: 0,
  cooldownUntil: null,
  chosenUri: 'http://127.0.0.1:32400',
  latencyMs: 2,
  ...patch,
});
const health = (patch: Partial<HealthStatus> = {}): HealthStatus => ({
  ok: true,
  state: 'ok',
  reasons: [],
  service: 'running',
  startedAt: now,
  heartbeatAt: now,
  account: null,
  servers: [server(1), server(2)],
  libraries: [],
  queue: [],
  databaseOk: true,
  checkedAt: now,
  ...patch,
});
const library = (id: number, serverId: number, selected = true): LibraryView => ({
  id,
  serverId,
  plexKey: String(id),
  title: `Library ${id}`,
  type: 'movie',
  selected,
  locations: [],
  counts: {},
  lastSyncAt: now - 60_000,
  lastSyncStatus: 'succeeded',
  nextSyncAt: now + 3_600_000,
  progress: null,
  heldDeletions: null,
});
const checked = (
  libraryId: number,
  status: 'succeeded' | 'skipped' | 'failed' = 'succeeded',
): LibraryStatusView => ({
  libraryId,
  lastCheckedAt: status === 'failed' ? now - 86_400_000 : now - 30_000,
  openErrors: 0,
  lastRun: {
    runId: libraryId,
    status,
    kind: 'incremental',
    trigger: 'manual',
    startedAt: now - 40_000,
    finishedAt: now - 30_000,
    changed: 0,
    checked: 5,
    errors: 0,
  },
});
// Library 1 is on the chosen server; library 2 on a server only listed as available.
const libs = [library(1, 1), library(2, 2, false)];

describe('health pill', () => {
  it('is green when every selected library last succeeded or found nothing new', () => {
    expect(summarizeHealth(health(), libs, [checked(1, 'skipped')], 0)).toEqual({
      tone: 'ok',
      text: 'Up to date',
      paused: false,
    });
  });

  it('is never turned red by a server the person did not choose', () => {
    const h = health({ servers: [server(1), server(2, { reachable: false, needsLogin: true })] });
    expect(summarizeHealth(h, libs, [checked(1)], 0).tone).toBe('ok');
  });

  it('is red for sign-in needed or the chosen server unreachable', () => {
    const login = health({ servers: [server(1, { needsLogin: true }), server(2)] });
    expect(summarizeHealth(login, libs, [checked(1)], 0)).toMatchObject({
      tone: 'bad',
      text: 'Sign-in needed',
    });
    const down = health({ servers: [server(1, { reachable: false }), server(2)] });
    expect(summarizeHealth(down, libs, [checked(1)], 0)).toMatchObject({
      tone: 'bad',
      text: "Can't reach Fake Plex Server",
    });
  });

  it('is amber for open errors, retrying, a failed last run, and paused — which is told apart', () => {
    expect(summarizeHealth(health(), libs, [checked(1)], 3)).toMatchObject({
      tone: 'warn',
      text: '3 open problems',
    });
    const retrying = health({ servers: [server(1, { cooldownUntil: now + 30_000 }), server(2)] });
    expect(summarizeHealth(retrying, libs, [checked(1)], 0).tone).toBe('warn');
    expect(summarizeHealth(health(), libs, [checked(1, 'failed')], 0).tone).toBe('warn');
    const paused = summarizeHealth(health({ service: 'paused' }), libs, [checked(1)], 0);
    expect(paused).toEqual({ tone: 'warn', text: 'Paused', paused: true });
    expect(summarizeHealth(health(), libs, [checked(1)], 0).paused).toBe(false);
  });
});

describe('library card state', () => {
  it('says the server could not be reached and when it retries', () => {
    const s = libraryCardState(
      library(1, 1),
      checked(1),
      server(1, { reachable: false, cooldownUntil: now + 30_000 }),
      now,
    );
    expect(s).toEqual({
      tone: 'bad',
      text: "Couldn't reach Fake Plex Server — retrying in 30 seconds",
      action: 'errors',
    });
  });

  it('offers signing in again when the server refused the token', () => {
    const s = libraryCardState(library(1, 1), checked(1), server(1, { needsLogin: true }), now);
    expect(s?.action).toBe('sign-in');
    expect(s?.text).toMatch(/^Sign-in needed/);
  });

  it('says up to date and when it was checked when nothing changed', () => {
    expect(libraryCardState(library(1, 1), checked(1, 'skipped'), server(1), now)?.text).toBe(
      'Up to date — checked just now',
    );
  });
});
