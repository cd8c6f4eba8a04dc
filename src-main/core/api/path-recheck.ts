// After the path mappings change, every stored file is checked again where the new mappings say it
// is, and its item's state follows (available, remote only, unavailable), without asking Plex: no
// deep scan needed. Items in the middle of a run or in error are left to the sync.
import { statSync } from 'node:fs';
import type { PathReplacement } from '../../../src-shared/config-schema';
import type { PathRecheckView } from '../../../src-shared/ipc/contract';
import type { MediaState } from '../../../src-shared/domain';
import type { Store } from '../store/database';
import { combineFileChecks, createPathMapper, type FileCheck } from '../media/path-mapping';
import { isSettled, transition } from '../media/states';

interface PartRow {
  partId: number;
  itemId: number;
  file: string;
  state: MediaState;
  machineIdentifier: string | null;
}

const PLAYABLE = [
  { table: 'movies', column: 'movie_id' },
  { table: 'episodes', column: 'episode_id' },
] as const;

export function recheckPaths(
  store: Store,
  rules: readonly PathReplacement[],
  exists?: (path: string) => boolean,
  now = Date.now(),
): PathRecheckView {
  const result: PathRecheckView = { files: 0, items: 0, becameAvailable: 0, becameUnavailable: 0 };
  const mappers = new Map<string | null, ReturnType<typeof createPathMapper>>();
  const mapperFor = (machine: string | null) => {
    let m = mappers.get(machine);
    if (!m) mappers.set(machine, (m = createPathMapper(rules, machine, exists)));
    return m;
  };
  store.transaction(() => {
    const setPart = store.sqlite.prepare(
      'update media_parts set local_path = ?, file_state = ?, checked_at = ? where id = ?',
    );
    for (const { table, column } of PLAYABLE) {
      const parts = store.sqlite
        .prepare(
          `select p.id as partId, i.id as itemId, p.file, i.state, s.machine_identifier as machineIdentifier
           from media_parts p
           join media_versions v on v.id = p.version_id
           join ${table} i on i.id = v.${column}
           join libraries l on l.id = i.library_id
           left join servers s on s.id = l.server_id
           where i.removed_at is null`,
        )
        .all() as PartRow[];
      const byItem = new Map<number, { state: MediaState; checks: FileCheck[] }>();
      for (const p of parts) {
        if (!isSettled(p.state)) continue;
        const c = mapperFor(p.machineIdentifier).check(p.file);
        setPart.run(c.localPath, c.state, now, p.partId);
        result.files++;
        const entry = byItem.get(p.itemId) ?? { state: p.state, checks: [] };
        entry.checks.push(c.state);
        byItem.set(p.itemId, entry);
      }
      const setState = store.sqlite.prepare(
        `update ${table} set state = ?, state_changed_at = ? where id = ? and state = ?`,
      );
      for (const [itemId, { state, checks }] of byItem) {
        result.items++;
        const next = transition(
          { state, stateBeforeScan: null },
          { type: 'synced', files: combineFileChecks(checks) },
        );
        if (next.state === state) continue;
        setState.run(next.state, now, itemId, state);
        if (next.state === 'normal') result.becameAvailable++;
        else if (state === 'normal') result.becameUnavailable++;
      }
    }
  });
  return result;
}

/** Whether a mapping's local side is a folder on this computer (the form warns when it is not). */
export function folderExists(path: string): { exists: boolean } {
  try {
    return { exists: statSync(path).isDirectory() };
  } catch {
    return { exists: false };
  }
}
