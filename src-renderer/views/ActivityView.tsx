import { useEffect, useState, type ReactElement } from 'react';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ERROR_CLASSES, type ErrorClass } from '../../src-shared/domain';
import { Badge, EmptyState, ErrorBanner, FilterSelect, Loading, PageHeader } from '../components/common';
import { errorMessage } from '../lib/errors';
import { count, duration, humanize, relativeTime } from '../lib/format';
import { useActivity, useErrors, useLibraries, useUi } from '../stores';
import { format, parseISO } from 'date-fns';

const CLASS_COLOURS: Record<ErrorClass, string> = {
  network: '#e8a13a',
  timeout: '#d9822b',
  auth: '#d94b4b',
  not_found: '#7a8ca3',
  data: '#8b6fd6',
  file_system: '#3aa0a8',
  database: '#b33d7a',
};
const ACCENT = 'var(--accent)';
const RANGES = [7, 30, 90];
const NUMBER_COLUMNS = ['Duration', 'Items changed', 'Items checked', 'Errors', 'API calls'];
/** Other statuses (queued, interrupted, cancelled) are shown neutral. */
const RUN_STATUS_TONE: Partial<Record<string, 'ok' | 'bad' | 'info'>> = {
  succeeded: 'ok',
  skipped: 'ok',
  failed: 'bad',
  running: 'info',
};
/** A skipped run is a successful check that found Plex unchanged. */
const RUN_STATUS_LABEL: Partial<Record<string, string>> = {
  succeeded: 'Succeeded',
  skipped: 'Nothing new',
  failed: 'Failed',
  running: 'Running',
  interrupted: 'Interrupted',
  cancelled: 'Cancelled',
};

function ChartCard({ title, empty, children }: { title: string; empty: boolean; children: ReactElement }) {
  return (
    <section className="card chart-card" aria-label={title}>
      <h2>{title}</h2>
      {empty ? (
        <div className="chart-empty muted">No data for this period yet.</div>
      ) : (
        <div className="chart">
          <ResponsiveContainer width="100%" height={220}>
            {children}
          </ResponsiveContainer>
        </div>
      )}
    </section>
  );
}

const axis = { fill: 'var(--muted)', fontSize: 12 };
const tooltipStyle = {
  background: 'var(--surface)',
  border: '1px solid var(--border)',
  borderRadius: 8,
  color: 'var(--text)',
};

export default function ActivityView() {
  const days = useActivity((s) => s.days);
  const stats = useActivity((s) => s.stats);
  const status = useActivity((s) => s.status);
  const error = useActivity((s) => s.error);
  const load = useActivity((s) => s.load);
  const setDays = useActivity((s) => s.setDays);
  const libraries = useLibraries((s) => s.libraries);
  const setErrorFilters = useErrors((s) => s.setFilters);
  const navigate = useUi((s) => s.navigate);
  const [libraryId, setLibraryId] = useState<number | undefined>(undefined);
  const runs = (stats?.runs ?? []).filter((r) => libraryId === undefined || r.libraryId === libraryId);
  const libraryTitle = libraries.find((l) => l.id === libraryId)?.title;

  useEffect(() => {
    void load();
  }, [load]);

  const times = (stats?.performance ?? []).map((p) => p.at);
  // Runs within one day are told apart by the time; longer spans by the date.
  const sameDay = times.length > 0 && Math.max(...times) - Math.min(...times) < 86_400_000;
  const perf = (stats?.performance ?? [])
    .filter((p) => libraryTitle === undefined || p.libraryTitle === libraryTitle)
    .map((p) => ({
      ...p,
      label: format(p.at, sameDay ? 'HH:mm:ss' : 'd MMM HH:mm'),
      seconds: Math.round(p.durationMs / 100) / 10,
    }));
  const errorsPerDay = (stats?.errorsPerDay ?? []).map((d) => ({
    ...d,
    label: format(parseISO(d.day), 'd MMM'),
  }));
  const classesSeen = ERROR_CLASSES.filter((c) => errorsPerDay.some((d) => (d[c] ?? 0) > 0));

  return (
    <>
      <PageHeader
        title="Activity"
        subtitle="How syncing has been going."
        actions={
          <>
            <div className="filters filters-inline">
              <FilterSelect
                label="Library"
                value={libraryId}
                anyLabel="All libraries"
                options={libraries.map((l) => ({ value: l.id, label: l.title }))}
                onChange={(v) => setLibraryId(v ? Number(v) : undefined)}
              />
            </div>
            <div className="segmented" role="group" aria-label="Period">
              {RANGES.map((d) => (
                <button
                  key={d}
                  type="button"
                  aria-pressed={days === d}
                  className={days === d ? 'on' : undefined}
                  onClick={() => void setDays(d)}
                >
                  {d} days
                </button>
              ))}
            </div>
          </>
        }
      />
      {error ? <ErrorBanner message={error} onRetry={() => void load()} /> : null}
      {status === 'loading' ? <Loading /> : null}
      {stats ? (
        <>
          <div className="tiles">
            <Tile
              label="Sync runs"
              value={count(stats.totals.runs)}
              note={`${stats.totals.succeeded} succeeded${stats.totals.skipped ? ` (${stats.totals.skipped} found nothing new)` : ''} · ${stats.totals.failed} failed`}
            />
            <Tile
              label="Items checked"
              value={count(stats.totals.itemsProcessed)}
              note={`${count(stats.totals.itemsChanged)} changed`}
            />
            <Tile label="Plex API calls" value={count(stats.totals.apiCalls)} />
            <Tile
              label="Errors"
              value={count(stats.totals.errors)}
              tone={stats.totals.errors ? 'bad' : undefined}
            />
          </div>
          {!stats.runs.length && !errorsPerDay.length ? (
            <EmptyState title="No sync runs in this period">Charts fill in after the first sync.</EmptyState>
          ) : null}
          <div className="chart-grid">
            <ChartCard title="Sync duration" empty={!perf.length}>
              <LineChart data={perf} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis dataKey="label" tick={axis} stroke="var(--border)" minTickGap={24} />
                <YAxis tick={axis} stroke="var(--border)" unit=" s" width={52} />
                <Tooltip contentStyle={tooltipStyle} formatter={(v) => [`${String(v)} s`, 'Duration']} />
                <Line
                  type="linear"
                  dataKey="seconds"
                  stroke={ACCENT}
                  strokeWidth={2}
                  dot={{ r: 3 }}
                  isAnimationActive={false}
                />
              </LineChart>
            </ChartCard>
            <ChartCard title="Items checked per run" empty={!perf.length}>
              <BarChart data={perf} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis dataKey="label" tick={axis} stroke="var(--border)" minTickGap={24} />
                <YAxis tick={axis} stroke="var(--border)" width={52} />
                <Tooltip contentStyle={tooltipStyle} cursor={{ fill: 'var(--hover)' }} />
                <Bar
                  dataKey="itemsChecked"
                  name="Items checked"
                  fill={ACCENT}
                  radius={[4, 4, 0, 0]}
                  maxBarSize={48}
                  isAnimationActive={false}
                />
              </BarChart>
            </ChartCard>
            <ChartCard title="Errors per day by class" empty={!classesSeen.length}>
              <BarChart data={errorsPerDay} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis dataKey="label" tick={axis} stroke="var(--border)" />
                <YAxis tick={axis} stroke="var(--border)" allowDecimals={false} width={40} />
                <Tooltip contentStyle={tooltipStyle} cursor={{ fill: 'var(--hover)' }} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                {classesSeen.map((c) => (
                  <Bar
                    key={c}
                    dataKey={c}
                    name={humanize(c)}
                    stackId="errors"
                    fill={CLASS_COLOURS[c]}
                    maxBarSize={48}
                    isAnimationActive={false}
                  />
                ))}
              </BarChart>
            </ChartCard>
            <ChartCard title="Plex API calls per run" empty={!perf.length}>
              <AreaChart data={perf} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis dataKey="label" tick={axis} stroke="var(--border)" minTickGap={24} />
                <YAxis tick={axis} stroke="var(--border)" width={52} />
                <Tooltip contentStyle={tooltipStyle} />
                <Area
                  type="linear"
                  dataKey="apiCalls"
                  name="API calls"
                  stroke={ACCENT}
                  fill={ACCENT}
                  fillOpacity={0.2}
                  isAnimationActive={false}
                />
              </AreaChart>
            </ChartCard>
          </div>

          {runs.length ? (
            <section className="card" aria-labelledby="runs-title">
              <h2 id="runs-title">Recent runs</h2>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Started</th>
                      <th scope="col">Library</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Status</th>
                      {NUMBER_COLUMNS.map((h) => (
                        <th key={h} scope="col" className="num">
                          {h}
                        </th>
                      ))}
                      <th scope="col">
                        <span className="sr-only">Undo</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {runs.slice(0, 20).map((r) => (
                      <tr key={r.id}>
                        <td>{relativeTime(r.startedAt)}</td>
                        <td>{r.libraryTitle ?? '—'}</td>
                        <td>
                          {humanize(r.kind)} <span className="muted small">({r.trigger})</span>
                        </td>
                        <td>
                          {r.status === 'failed' && r.libraryId !== null ? (
                            <button
                              type="button"
                              className="link-btn"
                              title="Open this library's errors"
                              onClick={() => {
                                void setErrorFilters({ libraryId: r.libraryId ?? undefined });
                                navigate('errors');
                              }}
                            >
                              <Badge tone="bad">Failed — see errors</Badge>
                            </button>
                          ) : (
                            <Badge tone={RUN_STATUS_TONE[r.status] ?? 'neutral'}>
                              {RUN_STATUS_LABEL[r.status] ?? humanize(r.status)}
                            </Badge>
                          )}
                        </td>
                        <td className="num">{duration(r.durationMs)}</td>
                        <td className="num">{count(r.added + r.updated + r.removed)}</td>
                        <td className="num">{count(r.added + r.updated + r.removed + r.unchanged)}</td>
                        <td className="num">{count(r.errors)}</td>
                        <td className="num">{count(r.apiCalls)}</td>
                        <td>{r.added + r.updated + r.removed > 0 ? <UndoRun runId={r.id} /> : null}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ) : null}

          {stats.topErrors.length ? (
            <section className="card" aria-labelledby="top-errors-title">
              <h2 id="top-errors-title">Most frequent errors</h2>
              <ul className="top-errors">
                {stats.topErrors.map((e) => (
                  <li key={`${e.errorClass}:${e.message}`}>
                    <Badge tone="warn">{humanize(e.errorClass)}</Badge> <span>{e.message}</span>
                    <span className="muted small">
                      {' '}
                      ×{e.count} · last {relativeTime(e.lastAt)}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : null}
    </>
  );
}

function Tile({ label, value, note, tone }: { label: string; value: string; note?: string; tone?: 'bad' }) {
  return (
    <div className={`card tile ${tone === 'bad' ? 'tile-bad' : ''}`}>
      <div className="muted small">{label}</div>
      <div className="tile-value">{value}</div>
      {note ? <div className="muted small">{note}</div> : null}
    </div>
  );
}

/** A bad sync is never final: shows what undoing a run would set back, then does it on confirmation. */
function UndoRun({ runId }: { runId: number }): ReactElement {
  const undoRun = useActivity((s) => s.undoRun);
  const [step, setStep] = useState<
    | { kind: 'idle' }
    | { kind: 'asking' }
    | { kind: 'confirm'; restored: number; kept: number }
    | { kind: 'done'; text: string }
  >({ kind: 'idle' });
  const fail = (error: unknown) => setStep({ kind: 'done', text: errorMessage(error) });
  if (step.kind === 'done') return <span className="small muted">{step.text}</span>;
  if (step.kind === 'confirm')
    return step.restored === 0 ? (
      <span className="small muted">
        Nothing to set back{step.kept ? ` (${step.kept} changed again since)` : ''}
      </span>
    ) : (
      <span className="small row-gap">
        Set back {count(step.restored)} {step.restored === 1 ? 'field' : 'fields'}?
        <button
          type="button"
          className="btn btn-small"
          onClick={() =>
            undoRun(runId, false).then(
              (r) =>
                setStep({
                  kind: 'done',
                  text: `Set back ${count(r.restored)} ${r.restored === 1 ? 'field' : 'fields'}`,
                }),
              fail,
            )
          }
        >
          Undo
        </button>
        <button type="button" className="btn btn-small btn-quiet" onClick={() => setStep({ kind: 'idle' })}>
          Keep
        </button>
      </span>
    );
  return (
    <button
      type="button"
      className="link-btn small"
      disabled={step.kind === 'asking'}
      title="Set back what this run changed or removed"
      onClick={() => {
        setStep({ kind: 'asking' });
        undoRun(runId, true).then(
          (r) => setStep({ kind: 'confirm', restored: r.restored, kept: r.kept }),
          fail,
        );
      }}
    >
      Undo run…
    </button>
  );
}
