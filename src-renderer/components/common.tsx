import type { ReactNode } from 'react';
import type { MediaState } from '../../src-shared/domain';
import { STATE_HELP, STATE_LABEL } from '../lib/states';

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className="muted">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <strong>{title}</strong>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

export function ErrorBanner({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="banner banner-error" role="alert">
      <span>{message}</span>
      {onRetry ? (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  const pct = value === null ? null : Math.max(0, Math.min(100, value));
  return (
    <div
      className={`progress ${pct === null ? 'progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct === null ? undefined : Math.floor(pct)}
    >
      <div className="progress-fill" style={{ width: pct === null ? undefined : `${pct}%` }} />
    </div>
  );
}

const STATE_TONE: Record<MediaState, string> = {
  normal: 'ok',
  remote_only: 'info',
  scanning: 'info',
  unavailable: 'warn',
  file_not_found: 'warn',
  trashed: 'warn',
  error: 'bad',
};

export function StateBadge({ state }: { state: MediaState }) {
  const help = STATE_HELP[state];
  return (
    <span
      className={`badge badge-${STATE_TONE[state]}`}
      title={help.fix ? `${help.why} ${help.fix}` : help.why}
    >
      {STATE_LABEL[state]}
    </span>
  );
}

export function Badge({
  tone,
  children,
}: {
  tone: 'ok' | 'info' | 'warn' | 'bad' | 'neutral';
  children: ReactNode;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Pager({
  offset,
  pageSize,
  total,
  onPage,
  label,
}: {
  offset: number;
  pageSize: number;
  total: number;
  onPage: (offset: number) => void;
  label: string;
}) {
  if (total <= pageSize) return null;
  const page = Math.floor(offset / pageSize) + 1;
  const pages = Math.ceil(total / pageSize);
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="btn btn-small"
        disabled={page <= 1}
        onClick={() => onPage(offset - pageSize)}
      >
        Previous
      </button>
      <span className="muted">
        Page {page} of {pages}
      </span>
      <button
        type="button"
        className="btn btn-small"
        disabled={page >= pages}
        onClick={() => onPage(offset + pageSize)}
      >
        Next
      </button>
    </nav>
  );
}

/** A labelled filter drop-down; its first option (value "") means "no filter" and gives undefined. */
export function FilterSelect({
  label,
  value,
  anyLabel,
  options,
  onChange,
}: {
  label: string;
  value: string | number | undefined;
  anyLabel: string;
  options: readonly { value: string | number; label: string }[];
  onChange: (value: string | undefined) => void;
}) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
