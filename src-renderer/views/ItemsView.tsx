import { useEffect, useState } from 'react';
import type { ItemDetailView } from '../../src-shared/ipc/contract';
import { ITEM_KINDS, MEDIA_STATES, type ItemKind, type MediaState } from '../../src-shared/domain';
import {
  Badge,
  EmptyState,
  ErrorBanner,
  FilterSelect,
  Loading,
  PageHeader,
  Pager,
  StateBadge,
} from '../components/common';
import { Icon } from '../components/icons';
import { Backdrop, Poster } from '../components/Poster';
import { POSTER_LIST_CSS } from '../../src-shared/artwork-sizes';
import { bytes, count, humanize, relativeTime, runtime, timecode, toMillis } from '../lib/format';
import { useItems, useLibraries } from '../stores';
import { ITEM_PAGE_SIZE } from '../stores/items-store';
import { STATE_HELP, STATE_LABEL } from '../lib/states';

const KIND_LABEL: Record<ItemKind, string> = {
  movie: 'Movies',
  show: 'Shows',
  season: 'Seasons',
  episode: 'Episodes',
};
const KIND_ONE: Record<ItemKind, string> = {
  movie: 'movie',
  show: 'show',
  season: 'season',
  episode: 'episode',
};
const SEARCH_DEBOUNCE_MS = 250;
/** Plex's tag kinds as the detail labels them, in this order; others follow under their own name. */
const FACETS: [string, string][] = [
  ['genre', 'Genres'],
  ['director', 'Directors'],
  ['writer', 'Writers'],
  ['country', 'Countries'],
  ['studio', 'Studios'],
  ['collection', 'Collections'],
  ['label', 'Labels'],
];

export function ItemsView() {
  const filters = useItems((s) => s.filters);
  const rows = useItems((s) => s.rows);
  const total = useItems((s) => s.total);
  const offset = useItems((s) => s.offset);
  const status = useItems((s) => s.status);
  const error = useItems((s) => s.error);
  const detail = useItems((s) => s.detail);
  const detailError = useItems((s) => s.detailError);
  const setFilters = useItems((s) => s.setFilters);
  const search = useItems((s) => s.search);
  const open = useItems((s) => s.open);
  const allLibraries = useLibraries((s) => s.libraries);
  const libraries = allLibraries.filter((l) => l.selected);
  const [query, setQuery] = useState(filters.query);
  const [layout, setLayout] = useState<'list' | 'grid'>('list');

  useEffect(() => {
    void search(0);
  }, [search]);

  // Escape closes the open detail (the search box keeps its own Escape, which clears it).
  useEffect(() => {
    if (!detail) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || (e.target as HTMLElement | null)?.tagName === 'INPUT') return;
      void open(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [detail, open]);

  useEffect(() => {
    if (query === filters.query) return;
    const t = setTimeout(() => void setFilters({ query }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [query, filters.query, setFilters]);

  return (
    <>
      <PageHeader
        title="Items"
        subtitle={`${count(total)} ${total === 1 ? KIND_ONE[filters.kind] : KIND_LABEL[filters.kind].toLowerCase()}`}
      />
      <div className="filters" role="group" aria-label="Filter items">
        <div className="segmented" role="group" aria-label="Kind">
          {ITEM_KINDS.map((k) => (
            <button
              key={k}
              type="button"
              aria-pressed={filters.kind === k}
              className={filters.kind === k ? 'on' : undefined}
              onClick={() => void setFilters({ kind: k })}
            >
              {KIND_LABEL[k]}
            </button>
          ))}
        </div>
        <label className="search">
          <Icon name="search" size={16} />
          <span className="sr-only">Search titles</span>
          <input
            type="search"
            placeholder="Search titles…"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        <FilterSelect
          label="Library"
          value={filters.libraryId}
          anyLabel="All libraries"
          options={libraries.map((l) => ({ value: l.id, label: l.title }))}
          onChange={(v) => void setFilters({ libraryId: v ? Number(v) : undefined })}
        />
        <div className="segmented" role="group" aria-label="Layout">
          {(['list', 'grid'] as const).map((l) => (
            <button
              key={l}
              type="button"
              aria-pressed={layout === l}
              className={layout === l ? 'on' : undefined}
              onClick={() => setLayout(l)}
            >
              {l === 'list' ? 'List' : 'Grid'}
            </button>
          ))}
        </div>
        <FilterSelect
          label="State"
          value={filters.state}
          anyLabel="Any state"
          options={MEDIA_STATES.map((s) => ({ value: s, label: STATE_LABEL[s] }))}
          onChange={(v) => void setFilters({ state: v as MediaState | undefined })}
        />
      </div>

      {error ? <ErrorBanner message={error} onRetry={() => void search()} /> : null}
      {status === 'loading' && !rows.length ? <Loading /> : null}
      {status === 'ready' && !rows.length ? (
        <EmptyState title="Nothing matches">
          {filters.query || filters.state
            ? 'Try another search or filter.'
            : 'Items appear here after a library has synced.'}
        </EmptyState>
      ) : null}

      {rows.length ? (
        <div className="split">
          <div className="table-wrap">
            {layout === 'grid' ? (
              <ul
                className="poster-grid"
                aria-label={KIND_LABEL[filters.kind]}
                aria-busy={status === 'loading'}
              >
                {rows.map((row) => (
                  <li key={`${row.kind}:${row.id}`}>
                    <button
                      type="button"
                      className={[
                        'poster-tile',
                        row.kind === 'episode' ? 'episode' : null,
                        detail?.id === row.id && detail.kind === row.kind ? 'selected' : null,
                      ]
                        .filter(Boolean)
                        .join(' ')}
                      onClick={() => void open(row)}
                    >
                      <Poster
                        itemKind={row.kind}
                        itemId={row.id}
                        title={row.title}
                        available={row.pictures.includes('thumb')}
                      />
                      <span className="poster-tile-title">{row.title}</span>
                      <span className="muted small">{row.subtitle ?? row.year ?? ''}</span>
                    </button>
                  </li>
                ))}
              </ul>
            ) : (
              <table className="table table-hover" aria-busy={status === 'loading'}>
                <caption className="sr-only">{KIND_LABEL[filters.kind]}</caption>
                <thead>
                  <tr>
                    <th scope="col">
                      <span className="sr-only">Poster</span>
                    </th>
                    <th scope="col">Title</th>
                    <th scope="col">Year</th>
                    <th scope="col">State</th>
                    <th scope="col" className="num">
                      Length
                    </th>
                    <th scope="col" className="num">
                      Size
                    </th>
                    <th scope="col">Changed in Plex</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr
                      key={`${row.kind}:${row.id}`}
                      className={detail?.id === row.id && detail.kind === row.kind ? 'selected' : undefined}
                      onClick={() => void open(row)}
                    >
                      <td className="poster-cell">
                        <Poster
                          itemKind={row.kind}
                          itemId={row.id}
                          title={row.title}
                          available={row.pictures.includes('thumb')}
                          width={POSTER_LIST_CSS.width}
                        />
                      </td>
                      <td>
                        <button type="button" className="link-btn" onClick={() => void open(row)}>
                          {row.title}
                        </button>
                        {row.subtitle ? <div className="muted small">{row.subtitle}</div> : null}
                      </td>
                      <td>{row.year ?? '—'}</td>
                      <td>
                        <StateBadge state={row.state} />
                      </td>
                      <td className="num nowrap">{runtime(row.duration)}</td>
                      <td className="num nowrap">{bytes(row.fileSize)}</td>
                      <td className="nowrap">{relativeTime(toMillis(row.updatedAt))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <Pager
              offset={offset}
              pageSize={ITEM_PAGE_SIZE}
              total={total}
              onPage={(o) => void search(o)}
              label="Item pages"
            />
          </div>
          {detailError ? <ErrorBanner message={detailError} /> : null}
          {detail ? <ItemDetail item={detail} onClose={() => void open(null)} /> : null}
        </div>
      ) : null}
    </>
  );
}

function Facets({ tags }: { tags: ItemDetailView['tags'] }) {
  const known = new Map(FACETS);
  const kinds = [
    ...FACETS.map(([k]) => k).filter((k) => tags.some((t) => t.kind === k)),
    ...[...new Set(tags.map((t) => t.kind))].filter((k) => !known.has(k)),
  ];
  return (
    <dl className="facets small">
      {kinds.map((kind) => (
        <div key={kind}>
          <dt>{known.get(kind) ?? humanize(kind)}</dt>
          <dd>
            {tags
              .filter((t) => t.kind === kind)
              .map((t) => (
                <span key={t.name} className="chip chip-static">
                  {t.name}
                </span>
              ))}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function ItemDetail({ item, onClose }: { item: ItemDetailView; onClose: () => void }) {
  const ids = item.guids.map((g) => `${g.provider}: ${g.value}`);
  return (
    <aside className="detail card" aria-labelledby="item-detail-title">
      <div className="detail-hero" key={`${item.kind}:${item.id}`}>
        {item.kind !== 'season' && item.kind !== 'episode' && item.pictures.includes('art') ? (
          <Backdrop itemKind={item.kind} itemId={item.id} />
        ) : null}
        <Poster
          itemKind={item.kind}
          itemId={item.id}
          title={item.title}
          available={item.pictures.includes('thumb')}
          width={item.kind === 'episode' ? 200 : 100}
        />
      </div>
      <div className="row-between">
        <div>
          <h2 id="item-detail-title">{item.title}</h2>
          <div className="muted small">
            {[item.subtitle, item.year, runtime(item.duration)].filter((x) => x && x !== '—').join(' · ')}
          </div>
        </div>
        <button type="button" className="icon-btn" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="row-gap">
        <StateBadge state={item.state} />
        {ids.map((id) => (
          <Badge key={id} tone="neutral">
            {id}
          </Badge>
        ))}
      </div>
      {item.state !== 'normal' ? (
        <p className="state-help small" data-testid="state-help">
          <strong>{STATE_LABEL[item.state]}:</strong> {STATE_HELP[item.state].why}{' '}
          {STATE_HELP[item.state].fix ?? ''}
        </p>
      ) : null}
      {item.lastError ? <p className="text-bad small">{item.lastError}</p> : null}
      {item.summary ? <p className="summary">{item.summary}</p> : null}
      {item.tags.length ? <Facets tags={item.tags} /> : null}
      {item.cast.length ? (
        <>
          <h3>Cast</h3>
          <p className="small">
            {item.cast.slice(0, 12).map((c, i) => (
              <span key={`${c.name}:${i}`}>
                {i ? ', ' : ''}
                {c.name}
                {c.role ? <span className="muted"> ({c.role})</span> : null}
              </span>
            ))}
          </p>
        </>
      ) : null}
      <h3>Files</h3>
      {!item.files.length ? <p className="muted small">No files.</p> : null}
      {item.files.map((f) => (
        <div key={f.plexPath} className="file">
          <div className="mono small break">{f.localPath ?? f.plexPath}</div>
          <div className="muted small">
            {[f.container?.toUpperCase(), bytes(f.size), f.fileState ? humanize(f.fileState) : null]
              .filter(Boolean)
              .join(' · ')}
            {f.localPath && f.localPath !== f.plexPath ? ` · Plex: ${f.plexPath}` : ''}
          </div>
          {f.streams.length ? (
            <table className="table table-compact">
              <caption className="sr-only">Streams</caption>
              <thead>
                <tr>
                  <th scope="col">Stream</th>
                  <th scope="col">Codec</th>
                  <th scope="col">Language</th>
                  <th scope="col">Flags</th>
                </tr>
              </thead>
              <tbody>
                {f.streams.map((s, i) => (
                  <tr key={i}>
                    <td>{humanize(s.streamType)}</td>
                    <td>{s.codec ?? '—'}</td>
                    <td>{s.language ?? s.title ?? '—'}</td>
                    <td className="small">
                      {[s.isDefault && 'default', s.isForced && 'forced', s.isExternal && 'external']
                        .filter(Boolean)
                        .join(', ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ))}
      {item.chapters.length ? (
        <>
          <h3>Chapters</h3>
          <ol className="chapters small">
            {item.chapters.map((c) => (
              <li key={c.index}>
                <span className="mono muted">{timecode(c.startMs)}</span> {c.title ?? `Chapter ${c.index}`}
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {item.markers.length ? (
        <>
          <h3>Markers</h3>
          <ul className="markers small" aria-label="Markers">
            {item.markers.map((m) => (
              <li key={`${m.type}-${m.startMs}`}>
                <span className="mono muted">
                  {timecode(m.startMs)}–{timecode(m.endMs)}
                </span>{' '}
                {m.type}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {item.history?.length ? (
        <>
          <h3>History</h3>
          <ul className="history small" aria-label="History">
            {item.history.map((h, i) => (
              <li key={`${h.changedAt}-${h.field}-${i}`}>
                <span className="muted">{relativeTime(h.changedAt)}</span> {humanize(h.field)}:{' '}
                <span className="mono">{shownValue(h.oldValue)}</span> →{' '}
                <span className="mono">{shownValue(h.newValue)}</span>
                {h.runId !== null ? <span className="muted"> (run {h.runId})</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </aside>
  );
}

/** A stored value as the history list shows it: empty for none, long ones cut. */
function shownValue(value: string | null): string {
  if (value === null || value === '') return '(none)';
  return value.length > 80 ? `${value.slice(0, 77)}…` : value;
}
