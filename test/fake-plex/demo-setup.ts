// What `npm run demo` does once the app is up: the wizard's calls over the app's public web API.
import { connectWebApi } from '../helpers/web-api';
import type { FakePlex } from './index';

export interface DemoSetup {
  serverName: string;
  /** One line per library: its first sync's outcome. */
  synced: string[];
}

/**
 * Adds the fake server by URL and token, refreshes its libraries, selects them all and starts their
 * sync; resolves once each has finished (or failed). Null when the data dir already has the server.
 */
export async function setUpDemoThroughApi(
  appUrl: string,
  fake: Pick<FakePlex, 'pmsUrl' | 'token' | 'machineIdentifier'>,
  log: (line: string) => void = console.log,
): Promise<DemoSetup | null> {
  const api = await connectWebApi(appUrl);
  try {
    const known = await api.call('servers:list');
    if (known.some((s) => s.machineIdentifier === fake.machineIdentifier)) return null;
    const pending = new Set<number>();
    const synced: string[] = [];
    let allDone = () => {};
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    // Listening before anything is selected: selecting alone queues the first sync.
    const off = api.on('service:event', (e) => {
      if (e.type !== 'finished' && e.type !== 'failed') return;
      const libraryId = e.type === 'finished' ? e.result.libraryId : e.libraryId;
      if (!pending.delete(libraryId)) return;
      const line =
        e.type === 'finished'
          ? `${e.result.libraryTitle}: ${e.result.status}, ${e.result.added} added`
          : `library ${libraryId}: failed, ${e.message}`;
      synced.push(line);
      log(`demo: synced ${line}`);
      if (pending.size === 0) allDone();
    });
    try {
      const server = await api.call('servers:addManual', { url: fake.pmsUrl, token: fake.token });
      const libraries = await api.call('libraries:refresh', { serverId: server.id });
      const libraryIds = libraries.map((l) => l.id);
      for (const id of libraryIds) pending.add(id);
      await api.call('libraries:select', { libraryIds, selected: true });
      await api.call('sync:start', { libraryIds });
      log(
        `demo: added ${server.name} through the app's API and started syncing ` +
          libraries.map((l) => l.title).join(', '),
      );
      await finished;
      return { serverName: server.name, synced };
    } finally {
      off();
    }
  } finally {
    api.close();
  }
}
