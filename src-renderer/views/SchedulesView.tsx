import { useEffect, useState } from 'react';
import type { ScheduleView } from '../../src-shared/ipc/contract';
import { EmptyState, ErrorBanner, Loading, PageHeader } from '../components/common';
import { cronProblem, jitterWords } from '../../src-shared/cron-words';
import { errorMessage } from '../lib/errors';
import { humanize, relativeTime, shortDateTime } from '../lib/format';
import { useSchedules, useUi } from '../stores';
import type { CronCheck } from '../stores/schedules-store';

const DESCRIBE_DEBOUNCE_MS = 250;

export function SchedulesView() {
  const schedules = useSchedules((s) => s.schedules);
  const status = useSchedules((s) => s.status);
  const error = useSchedules((s) => s.error);
  const load = useSchedules((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <PageHeader
        title="Schedules"
        subtitle="When each library refreshes, deep-scans and cleans up. Times are this computer's."
      />
      {error ? <ErrorBanner message={error} onRetry={() => void load()} /> : null}
      {status === 'loading' ? <Loading /> : null}
      {status === 'ready' && !schedules.length ? (
        <EmptyState title="No schedules yet">Schedules appear once a library is synced.</EmptyState>
      ) : null}
      <div className="schedule-list">
        {schedules.map((s) => (
          <ScheduleRow key={s.id} schedule={s} />
        ))}
      </div>
    </>
  );
}

function ScheduleRow({ schedule }: { schedule: ScheduleView }) {
  const update = useSchedules((s) => s.update);
  const notify = useUi((s) => s.notify);
  const [editing, setEditing] = useState(false);
  const extras = useSchedules((s) => s.extras[schedule.id]);
  const jitter = jitterWords(extras?.jitterSeconds ?? 0);
  // A library's last run comes from its runs, as on Libraries and Activity; others from the schedule.
  const lastRun = extras?.lastRun ?? null;
  const lastAt = lastRun?.finishedAt ?? schedule.lastRunAt;
  const lastStatus = lastRun ? (RUN_WORDS[lastRun.status] ?? lastRun.status) : schedule.lastStatus;
  const title = `${schedule.libraryTitle ?? 'All libraries'} — ${humanize(schedule.operation)}`;

  const setEnabled = async (enabled: boolean) => {
    try {
      await update(schedule.id, { enabled });
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };

  return (
    <article className={`card schedule-card ${schedule.enabled ? '' : 'is-disabled'}`} aria-label={title}>
      <div className="schedule-grid">
        <div>
          <h2>{title}</h2>
          <p className="schedule-words">{schedule.description}</p>
          <code className="cron">{schedule.cron}</code>
        </div>
        <div className="small">
          <span className="label">Next runs</span>
          {schedule.enabled && schedule.nextRuns.length ? (
            <ul className="next-runs">
              {schedule.nextRuns.slice(0, 3).map((t) => (
                <li key={t}>{shortDateTime(t)}</li>
              ))}
            </ul>
          ) : null}
          {schedule.enabled && schedule.nextRuns.length && jitter ? (
            <div className="muted" data-testid={`jitter-${schedule.id}`}>
              {jitter}
            </div>
          ) : null}
          {schedule.enabled && schedule.nextRuns.length ? null : (
            <div className="muted">{schedule.enabled ? '—' : 'Paused'}</div>
          )}
        </div>
        <div className="small">
          <span className="label">Last run</span>
          {relativeTime(lastAt)}
          {lastStatus ? (
            <div className="muted">
              {lastStatus}
              {lastRun && lastRun.trigger !== 'schedule' ? ` (${lastRun.trigger})` : ''}
            </div>
          ) : null}
        </div>
        <div className="schedule-actions">
          <label className="switch">
            <input
              type="checkbox"
              checked={schedule.enabled}
              onChange={(e) => void setEnabled(e.target.checked)}
            />
            <span className="switch-track" aria-hidden="true" />
            <span>{schedule.enabled ? 'Enabled' : 'Disabled'}</span>
            <span className="sr-only"> {title}</span>
          </label>
          {!editing ? (
            <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
              Edit schedule
            </button>
          ) : null}
        </div>
      </div>
      {editing ? <CronEditor schedule={schedule} onClose={() => setEditing(false)} /> : null}
    </article>
  );
}

const RUN_WORDS: Partial<Record<string, string>> = {
  succeeded: 'succeeded',
  skipped: 'nothing new',
  failed: 'failed',
  interrupted: 'interrupted',
  cancelled: 'cancelled',
};

const PRESETS: { label: string; cron: string }[] = [
  { label: 'Every hour', cron: '0 * * * *' },
  { label: 'Every 6 hours', cron: '0 */6 * * *' },
  { label: 'Daily at 3:00', cron: '0 3 * * *' },
  { label: 'Sundays at 4:00', cron: '0 4 * * 0' },
];

function CronEditor({ schedule, onClose }: { schedule: ScheduleView; onClose: () => void }) {
  const update = useSchedules((s) => s.update);
  const describe = useSchedules((s) => s.describe);
  const notify = useUi((s) => s.notify);
  const [cron, setCron] = useState(schedule.cron);
  const [check, setCheck] = useState<CronCheck | null>(null);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const inputId = `cron-${schedule.id}`;

  useEffect(() => {
    const text = cron.trim();
    if (!text) return;
    let live = true;
    const t = setTimeout(() => {
      describe(text).then(
        (result) => {
          if (!live) return;
          setCheck(result);
          setCheckError(null);
        },
        (err: unknown) => {
          if (!live) return;
          setCheck(null);
          setCheckError(errorMessage(err));
        },
      );
    }, DESCRIBE_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [cron, describe]);

  // A new expression is unverified until the main process has described it.
  const change = (next: string) => {
    setCron(next);
    setCheck(null);
    setCheckError(null);
  };
  const empty = !cron.trim();
  const valid = !empty && check?.valid === true && !checkError;
  const save = async () => {
    setSaving(true);
    try {
      await update(schedule.id, { cron: cron.trim() });
      notify('info', 'Schedule saved.');
      onClose();
    } catch (err) {
      setCheckError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="cron-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) void save();
      }}
    >
      <label htmlFor={inputId}>Cron expression (minute hour day month weekday)</label>
      <div className="row-gap">
        <input
          id={inputId}
          className="mono"
          type="text"
          value={cron}
          autoFocus
          spellCheck={false}
          aria-invalid={!valid}
          aria-describedby={`${inputId}-help`}
          onChange={(e) => change(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={!valid || saving}>
          Save
        </button>
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
      <div className="presets" role="group" aria-label="Common schedules">
        {PRESETS.map((p) => (
          <button key={p.cron} type="button" className="chip" onClick={() => change(p.cron)}>
            {p.label}
          </button>
        ))}
      </div>
      <div id={`${inputId}-help`} className="cron-feedback small" aria-live="polite">
        {empty ? <span className="text-bad">{cronProblem('', '')}</span> : null}
        {!empty && checkError ? <span className="text-bad">{cronProblem(cron, checkError)}</span> : null}
        {!empty && !checkError && check ? (
          check.valid ? (
            <>
              <span className="text-ok">✓ {check.description}</span>
              {check.nextRuns.length ? (
                <span className="muted">
                  {' '}
                  · next: {check.nextRuns.slice(0, 3).map(shortDateTime).join(', ')}
                </span>
              ) : null}
            </>
          ) : (
            <span className="text-bad">✗ {cronProblem(cron, check.description)}</span>
          )
        ) : null}
      </div>
    </form>
  );
}
