import { useEffect, useState } from 'react';
import type { LibraryView } from '../../src-shared/ipc/contract';
import { MEDIA_STATES, type ItemKind, type MediaState } from '../../src-shared/domain';
import type { QueueEntry } from '../../src-shared/service-events';
import type { SyncProgress } from '../../src-shared/sync-types';
import { EmptyState, ErrorBanner, Loading, PageHeader, ProgressBar, StateBadge } from '../components/common';
import { Icon } from '../components/icons';
import { errorMessage } from '../lib/errors';
import { useNow } from '../lib/use-now';
import { count, relativeTime, seconds } from '../lib/format';
import { useLibraries, useUi } from '../stores';
import { LibraryPosters } from '../components/LibraryPosters';

const KIND_LABEL: Record<ItemKind, string> = {
  movie: 'Movies',
  show: 'Shows',
  season: 'Seasons',
  episode: 'Episodes',
};
const PHASE_LABEL: Record<SyncProgress['phase'], string> = {
  sections: 'Reading sections',
  movies: 'Reading movies',
  shows: 'Reading shows',
  seasons: 'Reading seasons',
  episodes: 'Reading episodes',
  details: 'Fetching details',
  deletions: 'Finding removed items',
  done: 'Finishing',
};

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

  const selected = libraries.filter((l) => l.selected);
  const shown = showAll ? libraries : selected;

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
      <div className="library-grid">
        {shown.map((library) => (
          <LibraryCard key={library.id} library={library} />
        ))}
      </div>
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

function LibraryCard({ library }: { library: LibraryView }) {
  const now = useNow(30_000);
  // A sync that finished since the clock last ticked reads "0 seconds ago", not "in 0 seconds".
  const lastSync = relativeTime(library.lastSyncAt, Math.max(now, library.lastSyncAt ?? 0));
  const progress = useLibraries((s) => s.progress[library.id] ?? null);
  const entry: QueueEntry | null = useLibraries(
    (s) => s.queue.find((q) => q.libraryId === library.id) ?? null,
  );
  const sync = useLibraries((s) => s.sync);
  const cancel = useLibraries((s) => s.cancel);
  const select = useLibraries((s) => s.select);
  const notify = useUi((s) => s.notify);
  const active = !!entry || !!progress;
  const pct = progress && progress.total > 0 ? (progress.done / progress.total) * 100 : null;
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
            {library.type === 'movie' ? 'Movies' : 'TV shows'}
            {library.lastSyncStatus ? ` · last run ${library.lastSyncStatus}` : ''}
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
              {progress
                ? PHASE_LABEL[progress.phase]
                : entry?.status === 'queued'
                  ? 'Waiting in queue'
                  : 'Starting…'}
            </strong>
            {progress ? (
              <span className="mono">
                {count(progress.done)} / {count(progress.total)}
                {pct !== null ? ` · ${Math.floor(pct)}%` : ''}
              </span>
            ) : null}
          </div>
          <ProgressBar value={progress ? pct : null} label={`${library.title} sync progress`} />
          {progress ? (
            <div className="row-between small muted">
              <span className="ellipsis">{progress.currentTitle ?? ''}</span>
              <span>
                {progress.itemsPerSecond.toFixed(progress.itemsPerSecond < 10 ? 1 : 0)} items/s · ETA{' '}
                {seconds(progress.etaSeconds)}
              </span>
            </div>
          ) : null}
        </div>
      ) : null}

      <div className="card-foot">
        <div className="small">
          <div>
            <span className="muted">Last sync</span> {lastSync}
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
      {library.lastSyncStatus === 'failed' ? (
        <p className="text-bad small">The last sync failed. See Errors for the cause.</p>
      ) : null}
    </article>
  );
}
