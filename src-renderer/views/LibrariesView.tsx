import { useEffect, useState } from 'react';
import type { LibraryView } from '../../src-shared/ipc/contract';
import { MEDIA_STATES, type ItemKind, type MediaState } from '../../src-shared/domain';
import type { QueueEntry } from '../../src-shared/service-events';
import type { SyncProgress } from '../../src-shared/sync-types';
import { EmptyState, ErrorBanner, Loading, PageHeader, ProgressBar, StateBadge } from '../components/common';
import { Icon } from '../components/icons';
import { SignInAgain } from '../components/SignInAgain';
import { errorMessage } from '../lib/errors';
import { libraryCardState, retryWaitText } from '../lib/health';
import { useNow } from '../lib/use-now';
import { count, relativeTime, seconds } from '../lib/format';
import { useErrors, useLibraries, useServers, useSession, useUi } from '../stores';
import { LibraryPosters } from '../components/LibraryPosters';

const KIND_LABEL: Record<ItemKind, string> = {
  movie: 'Movies',
  show: 'Shows',
  season: 'Seasons',
  episode: 'Episodes',
};
const PHASE_LABEL: Record<SyncProgress['phase'], string> = {
  sections: 'Asking Plex what changed',
  movies: 'Listing movies',
  shows: 'Listing shows',
  seasons: 'Listing seasons',
  episodes: 'Listing episodes',
  details: 'Reading details',
  deletions: 'Checking for removed items',
  done: 'Writing and finishing',
};

/** "120 of 1,480 · 8%" only when Plex has told the total; before that the phase alone. */
export function progressCounts(progress: SyncProgress): string | null {
  if (progress.total <= 0) return progress.done > 0 ? `${count(progress.done)} so far` : null;
  const pct = Math.floor((Math.min(progress.done, progress.total) / progress.total) * 100);
  return `${count(progress.done)} of ${count(progress.total)} · ${pct}%`;
}

/** Rate and time left, only once there is something to measure. */
export function progressPace(progress: SyncProgress): string | null {
  if (progress.total <= 0 || progress.done <= 0 || progress.itemsPerSecond <= 0) return null;
  const rate = `${progress.itemsPerSecond.toFixed(progress.itemsPerSecond < 10 ? 1 : 0)} items/s`;
  if (progress.etaSeconds === null || progress.done >= progress.total) return rate;
  return `${rate} · about ${seconds(Math.max(1, progress.etaSeconds))} left`;
}

export function LibrariesView() {
  const libraries = useLibraries((s) => s.libraries);
  const status = useLibraries((s) => s.status);
  const error = useLibraries((s) => s.error);
  const load = useLibraries((s) => s.load);
  const sync = useLibraries((s) => s.sync);
  const notify = useUi((s) => s.notify);
  const openSetup = useUi((s) => s.openSetup);
  const [showAll, setShowAll] = useState(false);

  useEffect(() => {
    void load();
  }, [load]);

  const servers = useServers((s) => s.servers);
  const selected = libraries.filter((l) => l.selected);
  const shown = showAll ? libraries : selected;
  const serverName = (id: number) => servers.find((s) => s.id === id)?.name ?? `Server ${id}`;
  const groups = [...new Set(shown.map((l) => l.serverId))].map((serverId) => ({
    serverId,
    name: serverName(serverId),
    libraries: shown.filter((l) => l.serverId === serverId),
  }));

  const syncAll = async () => {
    try {
      await sync(
        selected.map((l) => l.id),
        'incremental',
      );
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };

  return (
    <>
      <PageHeader
        title="Libraries"
        subtitle={`${selected.length} of ${libraries.length} libraries kept in sync`}
        actions={
          <>
            <label className="check">
              <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
              Show libraries not synced
            </label>
            <button type="button" className="btn" onClick={() => openSetup(true)}>
              Add server
            </button>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => void syncAll()}
              disabled={!selected.length}
            >
              <Icon name="sync" size={16} /> Sync all
            </button>
          </>
        }
      />
      {error ? <ErrorBanner message={error} onRetry={() => void load()} /> : null}
      {status === 'loading' ? <Loading /> : null}
      {status === 'ready' && !shown.length ? (
        <EmptyState title="No libraries are synced yet">
          Tick “Show libraries not synced” to choose some.
        </EmptyState>
      ) : null}
      {groups.length > 1 ? (
        groups.map((g) => (
          <section key={g.serverId} className="server-group" aria-label={`Libraries on ${g.name}`}>
            <h2>{g.name}</h2>
            <div className="library-grid">
              {g.libraries.map((library) => (
                <LibraryCard key={library.id} library={library} serverName={g.name} />
              ))}
            </div>
          </section>
        ))
      ) : (
        <div className="library-grid">
          {shown.map((library) => (
            <LibraryCard key={library.id} library={library} serverName={serverName(library.serverId)} />
          ))}
        </div>
      )}
    </>
  );
}

function totals(library: LibraryView): { kind: ItemKind; total: number; states: [MediaState, number][] }[] {
  return (Object.keys(library.counts) as ItemKind[]).map((kind) => {
    const counts = library.counts[kind] ?? {};
    const states = MEDIA_STATES.map((s) => [s, counts[s] ?? 0] as [MediaState, number]).filter(
      ([, n]) => n > 0,
    );
    return { kind, total: states.reduce((a, [, n]) => a + n, 0), states };
  });
}

function LibraryCard({ library, serverName }: { library: LibraryView; serverName: string }) {
  const progress = useLibraries((s) => s.progress[library.id] ?? null);
  const entry: QueueEntry | null = useLibraries(
    (s) => s.queue.find((q) => q.libraryId === library.id) ?? null,
  );
  const retrying = entry?.status === 'retrying';
  // Seconds matter while a retry is counted down; otherwise "2 minutes ago" needs no faster clock.
  const now = useNow(retrying || progress?.retry ? 1000 : 10_000);
  const status = useLibraries((s) => s.statuses.find((x) => x.libraryId === library.id));
  const serverHealth = useSession((s) => s.health?.servers.find((x) => x.serverId === library.serverId));
  const setErrorFilters = useErrors((s) => s.setFilters);
  const navigate = useUi((s) => s.navigate);
  const state = libraryCardState(library, status, serverHealth, now, entry);
  const checkedAt = status?.lastCheckedAt ?? null;
  // A check that finished since the clock last ticked reads "0 seconds ago", not "in 0 seconds".
  const lastChecked = relativeTime(checkedAt, Math.max(now, checkedAt ?? 0));
  const sync = useLibraries((s) => s.sync);
  const cancel = useLibraries((s) => s.cancel);
  const select = useLibraries((s) => s.select);
  const notify = useUi((s) => s.notify);
  const active = (!!entry && !retrying) || !!progress;
  const waiting = progress ? retryWaitText(progress.retry, now) : null;
  const pct =
    progress && progress.total > 0 ? (Math.min(progress.done, progress.total) / progress.total) * 100 : null;
  const counts = progress ? progressCounts(progress) : null;
  const pace = progress ? progressPace(progress) : null;
  const headingId = `lib-${library.id}-title`;

  const run = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };

  return (
    <article className={`card library-card ${active ? 'is-active' : ''}`} aria-labelledby={headingId}>
      <div className="card-head">
        <div>
          <h2 id={headingId}>{library.title}</h2>
          <div className="muted small">
            {library.type === 'movie' ? 'Movies' : 'TV shows'} on {serverName}
          </div>
        </div>
        {!library.selected ? (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void run(() => select([library.id], true))}
          >
            Sync this library
          </button>
        ) : !active ? (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => {
              if (
                window.confirm(`Stop syncing ${library.title}? What is stored stays until the next clean-up.`)
              ) {
                void run(() => select([library.id], false));
              }
            }}
          >
            Stop syncing
          </button>
        ) : null}
      </div>

      <LibraryPosters library={library} />
      <dl className="count-grid">
        {totals(library).map(({ kind, total, states }) => (
          <div key={kind} className="count-cell">
            <dt>{KIND_LABEL[kind]}</dt>
            <dd>
              <span className="count-total" data-testid={`count-${library.id}-${kind}`}>
                {count(total)}
              </span>
              <span className="state-list">
                {states
                  .filter(([s]) => s !== 'normal')
                  .map(([s, n]) => (
                    <span key={s} className="state-count">
                      <StateBadge state={s} /> {count(n)}
                    </span>
                  ))}
              </span>
            </dd>
          </div>
        ))}
        {!totals(library).length ? <p className="muted small">Nothing stored yet.</p> : null}
      </dl>

      {active ? (
        <div className="sync-progress" aria-live="polite">
          <div className="row-between small">
            <strong>
              {waiting
                ? waiting
                : progress
                  ? PHASE_LABEL[progress.phase]
                  : entry?.status === 'queued'
                    ? 'Waiting in queue'
                    : 'Starting…'}
            </strong>
            {counts ? <span className="mono">{counts}</span> : null}
          </div>
          <ProgressBar value={progress ? pct : null} label={`${library.title} sync progress`} />
          {progress && (progress.currentTitle || pace) ? (
            <div className="row-between small muted">
              <span className="ellipsis">{progress.currentTitle ?? ''}</span>
              {pace ? <span>{pace}</span> : null}
            </div>
          ) : null}
        </div>
      ) : null}

      <div className="card-foot">
        <div className="small">
          <div>
            <span className="muted">Last checked</span> {lastChecked}
          </div>
          <div>
            <span className="muted">Next sync</span>{' '}
            {library.nextSyncAt ? relativeTime(library.nextSyncAt, now) : 'not scheduled'}
          </div>
        </div>
        <div className="row-gap">
          {active ? (
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => void run(() => cancel(library.id))}
            >
              Cancel
            </button>
          ) : (
            <>
              <button
                type="button"
                className="btn"
                disabled={!library.selected}
                onClick={() => void run(() => sync([library.id], 'deep'))}
                title="Re-read every item and its details, not only what changed"
              >
                Deep scan
              </button>
              <button
                type="button"
                className="btn btn-primary"
                disabled={!library.selected}
                onClick={() => void run(() => sync([library.id], 'incremental'))}
              >
                Sync now
              </button>
            </>
          )}
        </div>
      </div>
      {library.heldDeletions && !active ? <HeldDeletionsPanel library={library} /> : null}
      {state && !active ? (
        <div className={`card-state card-state-${state.tone}`} data-testid={`state-${library.id}`}>
          <span>{state.text}</span>
          {state.action === 'sign-in' ? <SignInAgain serverName={serverName} /> : null}
          {state.action === 'errors' ? (
            <button
              type="button"
              className="link-btn"
              onClick={() => {
                void setErrorFilters({ libraryId: library.id });
                navigate('errors');
              }}
            >
              See what went wrong
            </button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

/**
 * One listing would have removed much of the library (a disk or share offline on the Plex server?):
 * nothing was removed. The person removes exactly the held items, or keeps them.
 */
function HeldDeletionsPanel({ library }: { library: LibraryView }) {
  const held = library.heldDeletions!;
  const confirmDeletions = useLibraries((s) => s.confirmDeletions);
  const keepItems = useLibraries((s) => s.keepItems);
  const notify = useUi((s) => s.notify);
  const [busy, setBusy] = useState(false);
  const items = `${count(held.count)} of ${count(held.stored)} items`;
  const act = async (fn: () => Promise<string>) => {
    setBusy(true);
    try {
      notify('info', await fn());
    } catch (err) {
      notify('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const confirm = () =>
    void act(async () => {
      const removed = await confirmDeletions(library.id, held.at);
      return `${library.title}: ${count(removed)} ${removed === 1 ? 'item' : 'items'} removed`;
    });
  return (
    <div
      className={`card-state card-state-${held.kept ? 'neutral' : 'warn'}`}
      role={held.kept ? undefined : 'alert'}
      data-testid={`held-${library.id}`}
    >
      {held.kept ? (
        <span>
          Kept {items} that Plex no longer lists.{' '}
          <button type="button" className="link-btn" disabled={busy} onClick={confirm}>
            Remove them
          </button>
        </span>
      ) : (
        <>
          <span>
            Plex no longer lists {items}. Nothing was removed — a disk or share may be offline on the Plex
            server.
          </span>
          <span className="row-gap">
            <button type="button" className="btn btn-danger btn-small" disabled={busy} onClick={confirm}>
              Confirm deletions
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={busy}
              onClick={() =>
                void act(async () => {
                  const kept = await keepItems(library.id, held.at);
                  return `${library.title}: ${count(kept)} ${kept === 1 ? 'item' : 'items'} kept`;
                })
              }
            >
              Keep
            </button>
          </span>
        </>
      )}
    </div>
  );
}
