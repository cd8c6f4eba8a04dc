// A RetroVueApi of fixed views, for pure rendering tests only (how a given view is drawn). Anything
// about behaviour goes through the real core (harness.ts). Unknown channels fail loudly.
import type { createEventBus } from '../../src-main/core/api/event-bus';
import {
  ApiCallError,
  type Channel,
  type LibraryView,
  type ResponseMap,
  type RetroVueApi,
} from '../../src-shared/ipc/contract';
import type { QueueEntry } from '../../src-shared/service-events';

type Views = Partial<{ [C in Channel]: ResponseMap[C] }>;

const now = Date.now();
const library = (
  id: number,
  title: string,
  type: 'movie' | 'show',
  counts: LibraryView['counts'],
): LibraryView => ({
  id,
  serverId: 1,
  plexKey: String(id),
  title,
  type,
  selected: true,
  locations: [],
  counts,
  lastSyncAt: now - 7_200_000,
  lastSyncStatus: 'succeeded',
  nextSyncAt: now + 3_600_000,
  progress: null,
  heldDeletions: null,
});
const running: QueueEntry = {
  libraryId: 2,
  libraryTitle: 'TV Shows',
  kind: 'incremental',
  trigger: 'manual',
  status: 'running',
  runId: 9,
  enqueuedAt: now,
};

export function fixedApi(bus: ReturnType<typeof createEventBus>, overrides: Views = {}): RetroVueApi {
  const views: Views = {
    'app:info': {
      version: '0.1.0',
      platform: 'linux',
      dataDir: '/d',
      logDir: '/d/logs',
      databasePath: '/d/r.db',
      shell: 'web',
    },
    'account:get': {
      username: 'alex',
      title: 'Alex',
      email: null,
      avatarUrl: null,
      needsLogin: false,
      validatedAt: now,
    },
    'health:get': {
      ok: true,
      state: 'ok',
      reasons: [],
      service: 'running',
      startedAt: now,
      heartbeatAt: now,
      account: null,
      servers: [],
      libraries: [],
      queue: [running],
      databaseOk: true,
      checkedAt: now,
    },
    // One server and a selected library: past the first-run wizard.
    'servers:list': [
      {
        id: 1,
        name: 'NAS',
        machineIdentifier: 'm',
        owned: true,
        sourceTitle: null,
        version: null,
        sources: [],
        connections: [],
        chosenUri: null,
        latencyMs: null,
        needsLogin: false,
        added: true,
        lastSeenAt: null,
      },
    ],
    'libraries:list': [
      library(1, 'Movies', 'movie', { movie: { normal: 1480, file_not_found: 12, error: 2 } }),
      library(2, 'TV Shows', 'show', {
        show: { normal: 96 },
        season: { normal: 310 },
        episode: { normal: 16_980, unavailable: 20 },
      }),
    ],
    'sync:queue': [running],
    'errors:list': { rows: [], total: 0 },
    'schedules:extras': [],
    'status:libraries': [1, 2].map((libraryId) => ({
      libraryId,
      lastCheckedAt: now - 7_200_000,
      openErrors: 0,
      lastRun: null,
    })),
    ...overrides,
  };
  return {
    invoke: ((channel: Channel) =>
      channel in views
        ? Promise.resolve(views[channel])
        : Promise.reject(
            new ApiCallError({ code: 'UNEXPECTED', message: channel }),
          )) as RetroVueApi['invoke'],
    on: (event, listener) => bus.on(event, listener),
  };
}
