import { useEffect, useState } from 'react';
import type { ErrorView } from '../../src-shared/ipc/contract';
import { ERROR_CLASSES, type ErrorClass } from '../../src-shared/domain';
import {
  Badge,
  EmptyState,
  ErrorBanner,
  FilterSelect,
  Loading,
  PageHeader,
  Pager,
} from '../components/common';
import { SignInAgain } from '../components/SignInAgain';
import { errorClassLabel, explainError, httpStatus, itemTitle, requestUrl } from '../lib/error-text';
import { errorMessage } from '../lib/errors';
import { dateTime, relativeTime } from '../lib/format';
import { useErrors, useItems, useLibraries, useServers, useUi } from '../stores';
import { ERROR_PAGE_SIZE } from '../stores/errors-store';
import type { ItemKind } from '../../src-shared/domain';

/** Time-window filter options; the value is a number of days. */
const WINDOWS = [
  { label: 'Last 24 hours', value: 1 },
  { label: 'Last 7 days', value: 7 },
  { label: 'Last 30 days', value: 30 },
];

export function ErrorsView() {
  const filters = useErrors((s) => s.filters);
  const rows = useErrors((s) => s.rows);
  const total = useErrors((s) => s.total);
  const offset = useErrors((s) => s.offset);
  const status = useErrors((s) => s.status);
  const error = useErrors((s) => s.error);
  const selectedId = useErrors((s) => s.selectedId);
  const setFilters = useErrors((s) => s.setFilters);
  const load = useErrors((s) => s.load);
  const open = useErrors((s) => s.open);
  const resolve = useErrors((s) => s.resolve);
  const servers = useServers((s) => s.servers);
  const libraries = useLibraries((s) => s.libraries);
  const notify = useUi((s) => s.notify);
  const [checked, setChecked] = useState<Set<number>>(new Set());

  useEffect(() => {
    void load(0);
  }, [load]);

  const selected = rows.find((r) => r.id === selectedId) ?? null;
  const unresolved = rows.filter((r) => !r.resolvedAt);
  const allChecked = unresolved.length > 0 && unresolved.every((r) => checked.has(r.id));

  const resolveChecked = async () => {
    try {
      const n = await resolve([...checked]);
      setChecked(new Set());
      notify('info', `${n} ${n === 1 ? 'error' : 'errors'} marked resolved.`);
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };

  const numberOrUndefined = (v: string | undefined) => (v ? Number(v) : undefined);

  return (
    <>
      <PageHeader
        title="Errors"
        subtitle={`${total} ${filters.includeResolved ? '' : 'open '}error${total === 1 ? '' : 's'}`}
      />
      <div className="filters" role="group" aria-label="Filter errors">
        <FilterSelect
          label="Class"
          value={filters.errorClass}
          anyLabel="All classes"
          options={ERROR_CLASSES.map((c) => ({ value: c, label: errorClassLabel(c) }))}
          onChange={(v) => void setFilters({ errorClass: v as ErrorClass | undefined })}
        />
        <FilterSelect
          label="Server"
          value={filters.serverId}
          anyLabel="All servers"
          options={servers.map((s) => ({ value: s.id, label: s.name }))}
          onChange={(v) => void setFilters({ serverId: numberOrUndefined(v) })}
        />
        <FilterSelect
          label="Library"
          value={filters.libraryId}
          anyLabel="All libraries"
          options={libraries.map((l) => ({ value: l.id, label: l.title }))}
          onChange={(v) => void setFilters({ libraryId: numberOrUndefined(v) })}
        />
        <FilterSelect
          label="Time"
          value={filters.days}
          anyLabel="Any time"
          options={WINDOWS}
          onChange={(v) => void setFilters({ days: numberOrUndefined(v) })}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={filters.includeResolved}
            onChange={(e) => void setFilters({ includeResolved: e.target.checked })}
          />
          Show resolved
        </label>
        {filters.errorClass || filters.serverId || filters.libraryId || filters.days ? (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() =>
              void setFilters({
                errorClass: undefined,
                serverId: undefined,
                libraryId: undefined,
                days: undefined,
              })
            }
          >
            Clear filters
          </button>
        ) : null}
        <span className="spacer" />
        <button type="button" className="btn" disabled={!checked.size} onClick={() => void resolveChecked()}>
          {checked.size ? `Mark ${checked.size} resolved` : 'Mark selected resolved'}
        </button>
      </div>

      {error ? <ErrorBanner message={error} onRetry={() => void load()} /> : null}
      {status === 'loading' ? <Loading /> : null}
      {status === 'ready' && !rows.length ? (
        <EmptyState title="No errors">
          Nothing went wrong {filters.days ? 'in this period' : 'lately'}. Errors from syncs show up here.
        </EmptyState>
      ) : null}

      {rows.length ? (
        <div className="split">
          <div className="table-wrap">
            <table className="table table-hover">
              <caption className="sr-only">Errors</caption>
              <thead>
                <tr>
                  <th scope="col" className="col-check">
                    <input
                      type="checkbox"
                      aria-label="Select all open errors on this page"
                      checked={allChecked}
                      onChange={(e) =>
                        setChecked(e.target.checked ? new Set(unresolved.map((r) => r.id)) : new Set())
                      }
                    />
                  </th>
                  <th scope="col">Time</th>
                  <th scope="col">Kind</th>
                  <th scope="col">What happened</th>
                  <th scope="col">Server</th>
                  <th scope="col">Library</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const why = explainError(row);
                  return (
                    <tr
                      key={row.id}
                      className={`${row.id === selectedId ? 'selected' : ''} ${row.resolvedAt ? 'is-resolved' : ''}`}
                      onClick={() => open(row.id)}
                    >
                      <td className="col-check" onClick={(e) => e.stopPropagation()}>
                        {!row.resolvedAt ? (
                          <input
                            type="checkbox"
                            aria-label={`Select error ${row.id}`}
                            checked={checked.has(row.id)}
                            onChange={(e) =>
                              setChecked((c) => {
                                const next = new Set(c);
                                if (e.target.checked) next.add(row.id);
                                else next.delete(row.id);
                                return next;
                              })
                            }
                          />
                        ) : null}
                      </td>
                      <td className="nowrap" title={dateTime(row.occurredAt)}>
                        {relativeTime(row.occurredAt)}
                      </td>
                      <td>
                        <Badge tone={why.tone}>{why.label}</Badge>
                      </td>
                      <td>
                        <button type="button" className="link-btn message-cell" onClick={() => open(row.id)}>
                          {why.sentence}
                        </button>
                        {row.retryCount > 0 ? (
                          <span className="muted small"> · happened {row.retryCount + 1} times</span>
                        ) : null}
                      </td>
                      <td className="nowrap">{row.serverName ?? '—'}</td>
                      <td className="nowrap">{row.libraryTitle ?? '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <Pager
              offset={offset}
              pageSize={ERROR_PAGE_SIZE}
              total={total}
              onPage={(o) => void load(o)}
              label="Error pages"
            />
          </div>
          {selected ? <ErrorDetail error={selected} onClose={() => open(null)} /> : null}
        </div>
      ) : null}
    </>
  );
}

function ErrorDetail({ error, onClose }: { error: ErrorView; onClose: () => void }) {
  const retry = useErrors((s) => s.retry);
  const resolve = useErrors((s) => s.resolve);
  const notify = useUi((s) => s.notify);
  const navigate = useUi((s) => s.navigate);
  const setItemFilters = useItems((s) => s.setFilters);
  const why = explainError(error);
  const title = itemTitle(error);
  const url = requestUrl(error);
  const status = httpStatus(error);
  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      notify('info', done);
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };
  const facts: [string, string | number | null][] = [
    ['When', dateTime(error.occurredAt)],
    ['Server', error.serverName],
    ['Library', error.libraryTitle],
    ['Times seen', error.retryCount + 1],
    ['Resolved', error.resolvedAt ? dateTime(error.resolvedAt) : null],
  ];
  // Details keep the raw facts, one per line: the message, code, status, request and the rest of the
  // context (already token-free from main), never a JSON wall.
  const raw: [string, string][] = [
    ['Message', error.message],
    ['Code', error.code ?? '—'],
    ...(status !== null ? ([['HTTP status', String(status)]] as [string, string][]) : []),
    ...(url ? ([['Request', url]] as [string, string][]) : []),
    ...(error.itemKind
      ? ([['Item', `${error.itemKind} ${error.plexRatingKey ?? ''}`]] as [string, string][])
      : []),
    ...Object.entries(error.context)
      .filter(
        ([k, v]) => !['request', 'status', 'server', 'library', 'item', 'title'].includes(k) && v !== null,
      )
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string]),
  ];
  return (
    <aside className="detail card" aria-labelledby="error-detail-title">
      <div className="row-between">
        <h2 id="error-detail-title">
          {why.label} · Error #{error.id}
        </h2>
        <button type="button" className="icon-btn" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </div>
      <p className="detail-message">{why.sentence}</p>
      <p className="next-step">
        <strong>What to do: </strong>
        {why.next}
      </p>
      {title && error.itemKind ? (
        <p>
          <button
            type="button"
            className="link-btn"
            onClick={() => {
              void setItemFilters({
                kind: error.itemKind as ItemKind,
                libraryId: error.libraryId ?? undefined,
                query: title,
                state: undefined,
              });
              navigate('items');
            }}
          >
            Show “{title}” in Items
          </button>
        </p>
      ) : null}
      <dl className="facts">
        {facts
          .filter(([, v]) => v !== null && v !== '')
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
      <details className="raw-details">
        <summary>Details</summary>
        <dl className="facts facts-raw">
          {raw.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
        </dl>
      </details>
      <div className="row-gap">
        {why.action === 'sign-in' ? <SignInAgain serverName={error.serverName ?? 'the server'} /> : null}
        {why.action !== 'sign-in' && error.libraryId !== null ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void act(() => retry(error.id), 'Retry queued.')}
          >
            Retry now
          </button>
        ) : null}
        {!error.resolvedAt ? (
          <button
            type="button"
            className="btn"
            onClick={() => void act(() => resolve([error.id]), 'Marked resolved.')}
          >
            Mark resolved
          </button>
        ) : null}
      </div>
    </aside>
  );
}
