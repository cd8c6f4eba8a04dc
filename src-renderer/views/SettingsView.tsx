// The whole configuration as one form, validated with the same zod schema main uses.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { configSchema, LOG_LEVELS, type Config, type PathReplacement } from '../../src-shared/config-schema';
import { ApiCallError } from '../../src-shared/ipc/contract';
import { ErrorBanner, Loading, PageHeader } from '../components/common';
import { completeMappings, PathMappings } from '../components/PathMappings';
import { Icon } from '../components/icons';
import { errorMessage } from '../lib/errors';
import { recheckWords } from '../lib/recheck-words';
import { humanize } from '../lib/format';
import { useSession, useSettings, useUi } from '../stores';

type Key = Exclude<keyof Config, 'version'>;
interface FieldMeta {
  label: string;
  help?: string;
  unit?: string;
}

interface Group {
  title: string;
  description: string;
  keys: Key[];
  /** Tuning knobs: folded under "Advanced". */
  advanced?: boolean;
}

const GROUPS: Group[] = [
  {
    title: 'Application',
    description: 'How RetroVue behaves on this computer.',
    keys: ['start_at_login', 'close_to_tray', 'failure_notifications', 'data_dir'],
  },
  {
    title: 'Syncing',
    description: 'How often libraries are refreshed.',
    keys: ['refresh_interval_hours', 'deep_scan_interval_days', 'live_push'],
  },
  {
    title: 'Path mappings',
    description: 'Where files Plex reports live on this computer.',
    keys: ['path_replacements'],
  },
  {
    title: 'Artwork',
    description: 'Posters and backgrounds kept on disk.',
    keys: ['artwork_cache', 'artwork_cache_max_mb', 'artwork_prefetch_episode_thumbs'],
  },
  {
    title: 'Load on the server',
    description: 'How hard the server is asked. The defaults suit most servers.',
    keys: [
      'concurrent_scans',
      'batch_size',
      'detail_batch_size',
      'detail_concurrency',
      'live_push_debounce_seconds',
      'artwork_concurrency',
    ],
    advanced: true,
  },
  {
    title: 'Errors and retries',
    description: 'What happens when Plex is slow or unreachable.',
    keys: [
      'api_timeout_seconds',
      'retry_attempts',
      'retry_delay_seconds',
      'max_consecutive_errors',
      'error_cooldown_minutes',
      'cleanup_retention_days',
    ],
    advanced: true,
  },
  {
    title: 'Logging',
    description: 'Log files for troubleshooting.',
    keys: ['log_level', 'log_max_file_mb', 'log_max_files'],
    advanced: true,
  },
  {
    title: 'Addresses and ports',
    description: 'Change only if you know why.',
    keys: ['plex_tv_url', 'plex_auth_app_url', 'gdm_address', 'gdm_port', 'health_port'],
    advanced: true,
  },
];

/** Settings only the desktop app acts on: hidden in the browser (`retrovue serve`). */
const ELECTRON_ONLY = new Set<Key>(['start_at_login', 'close_to_tray']);

const META: Partial<Record<Key, FieldMeta>> = {
  start_at_login: {
    label: 'Start at login',
    help: 'Open RetroVue in the tray when you sign in to this computer.',
  },
  close_to_tray: { label: 'Close to tray', help: 'Closing the window keeps syncing in the background.' },
  failure_notifications: {
    label: 'Tell me when a sync fails',
    help: 'A notification (in the browser, a notice on the page), at most one per server every 10 minutes. Syncs you start are always reported.',
  },
  data_dir: {
    label: 'Data folder',
    help: 'Where the database and artwork live. Empty = the default. Takes effect after a restart.',
  },
  refresh_interval_hours: { label: 'Refresh every', unit: 'hours' },
  deep_scan_interval_days: {
    label: 'Deep scan every',
    unit: 'days',
    help: 'A deep scan re-reads every item, not only what changed.',
  },
  concurrent_scans: { label: 'Libraries synced at once' },
  batch_size: { label: 'Items per page', help: 'How many items each list request asks Plex for.' },
  detail_batch_size: { label: 'Items per detail request' },
  detail_concurrency: { label: 'Parallel detail requests' },
  live_push: { label: 'Live updates', help: 'Listen to the server and sync changes as they happen.' },
  live_push_debounce_seconds: { label: 'Live update delay', unit: 'seconds' },
  api_timeout_seconds: { label: 'Request timeout', unit: 'seconds' },
  retry_attempts: { label: 'Retries per request' },
  retry_delay_seconds: { label: 'First retry after', unit: 'seconds' },
  max_consecutive_errors: { label: 'Pause a server after', unit: 'errors in a row' },
  error_cooldown_minutes: { label: 'Server cool-down', unit: 'minutes' },
  cleanup_retention_days: { label: 'Keep run history and resolved errors for', unit: 'days' },
  path_replacements: { label: 'Path mappings' },
  artwork_cache: { label: 'Fetch posters ahead' },
  artwork_cache_max_mb: { label: 'Artwork cache limit', unit: 'MB' },
  artwork_concurrency: { label: 'Parallel artwork downloads' },
  artwork_prefetch_episode_thumbs: { label: 'Fetch episode thumbnails ahead' },
  log_level: { label: 'Log level' },
  log_max_file_mb: { label: 'Log file size limit', unit: 'MB' },
  log_max_files: { label: 'Log files kept' },
  plex_tv_url: { label: 'plex.tv address' },
  plex_auth_app_url: { label: 'Plex sign-in page' },
  gdm_address: { label: 'LAN discovery address' },
  gdm_port: { label: 'LAN discovery port' },
  health_port: { label: 'Health endpoint port', help: '0 turns the local health endpoint off.' },
};

const ALL_KEYS = Object.keys(configSchema.shape).filter((k) => k !== 'version') as Key[];
// Settings added to the schema later still show up, under "Other", until they get a home above.
const grouped = new Set(GROUPS.flatMap((g) => g.keys));
const OTHER = ALL_KEYS.filter((k) => !grouped.has(k));
const ALL_GROUPS: Group[] = OTHER.length
  ? [...GROUPS, { title: 'Other', description: 'More settings.', keys: OTHER, advanced: true }]
  : GROUPS;

/** A schema complaint in the person's words, never "expected number, received NaN". */
export function friendlyIssue(issue: {
  code: string;
  message: string;
  minimum?: unknown;
  maximum?: unknown;
  expected?: unknown;
  format?: unknown;
}): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number' ? 'Enter a number' : 'Enter a value';
    case 'too_small':
      return `Use at least ${String(issue.minimum)}`;
    case 'too_big':
      return `Use at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.format === 'url'
        ? 'Enter a full address, like http://127.0.0.1:32400'
        : 'Check the format';
    case 'not_multiple_of':
      return 'Use a whole number';
    default:
      return issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  }
}
const metaFor = (key: Key): FieldMeta => META[key] ?? { label: humanize(key) };

/** Form state keeps what the user typed: numbers stay strings until they validate. */
type Draft = Record<Key, unknown>;

function toDraft(config: Config): Draft {
  const draft = {} as Draft;
  for (const key of ALL_KEYS) {
    const value = config[key];
    draft[key] = typeof value === 'number' ? String(value) : (value ?? '');
  }
  return draft;
}

function fromDraft(draft: Draft, config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = { version: config.version };
  for (const key of ALL_KEYS) {
    const value = draft[key];
    if (typeof config[key] === 'number') {
      const text = String(value).trim();
      out[key] = text === '' ? Number.NaN : Number(text);
    } else if (key === 'data_dir') {
      out[key] = String(value).trim() || undefined;
    } else if (key === 'path_replacements') {
      out[key] = completeMappings(value as PathReplacement[]);
    } else out[key] = value;
  }
  return out;
}

export function SettingsView() {
  const config = useSettings((s) => s.config);
  const status = useSettings((s) => s.status);
  const loadError = useSettings((s) => s.error);
  const load = useSettings((s) => s.load);
  const update = useSettings((s) => s.update);
  const openPath = useSettings((s) => s.openPath);
  const info = useSession((s) => s.info);
  const notify = useUi((s) => s.notify);
  const openSetup = useUi((s) => s.openSetup);
  // Null until the first edit: the form shows the live config (config:changed included) until then.
  const [edits, setEdits] = useState<Draft | null>(null);
  const draft = useMemo(() => edits ?? (config ? toDraft(config) : null), [edits, config]);
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void load();
  }, [load]);

  const candidate = useMemo(() => (draft && config ? fromDraft(draft, config) : null), [draft, config]);
  const parsed = useMemo(() => (candidate ? configSchema.safeParse(candidate) : null), [candidate]);
  const issues = useMemo(() => {
    const map: Record<string, string> = { ...serverIssues };
    if (parsed && !parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? '');
        if (!map[key]) map[key] = friendlyIssue(issue as Parameters<typeof friendlyIssue>[0]);
      }
    }
    return map;
  }, [parsed, serverIssues]);

  const changed = useMemo(() => {
    if (!parsed?.success || !config) return {} as Partial<Config>;
    const patch: Record<string, unknown> = {};
    for (const key of ALL_KEYS) {
      if (JSON.stringify(parsed.data[key]) !== JSON.stringify(config[key])) patch[key] = parsed.data[key];
    }
    return patch as Partial<Config>;
  }, [parsed, config]);
  const dirty = Object.keys(changed).length > 0;
  // Typed but not saved, valid or not: what leaving would lose.
  const unsaved = useMemo(() => {
    if (!edits || !config) return false;
    const saved = toDraft(config);
    return ALL_KEYS.some((k) => JSON.stringify(edits[k]) !== JSON.stringify(saved[k]));
  }, [edits, config]);
  const setLeaveGuard = useUi((s) => s.setLeaveGuard);

  // Unsaved changes are not lost silently: leaving the view or the page asks first.
  useEffect(() => {
    if (!unsaved) return;
    setLeaveGuard(() => window.confirm('You have unsaved settings. Leave without saving them?'));
    const onUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onUnload);
    return () => {
      setLeaveGuard(null);
      window.removeEventListener('beforeunload', onUnload);
    };
  }, [unsaved, setLeaveGuard]);

  if (status === 'loading' || !draft || !config)
    return loadError ? <ErrorBanner message={loadError} onRetry={() => void load()} /> : <Loading />;

  const set = (key: Key, value: unknown) => {
    setEdits({ ...draft, [key]: value });
    setServerIssues((s) => {
      const { [key]: _gone, ...rest } = s;
      return rest;
    });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!parsed?.success || !dirty) return;
    setSaving(true);
    try {
      const { recheck } = await update(changed);
      setEdits(null);
      notify('info', recheck ? `Settings saved. ${recheckWords(recheck)}` : 'Settings saved.');
    } catch (err) {
      if (err instanceof ApiCallError && err.issues?.length) {
        setServerIssues(Object.fromEntries(err.issues.map((i) => [i.path.split('.')[0] ?? '', i.message])));
      }
      notify('error', errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  const open = async (which: 'logs' | 'data') => {
    try {
      await openPath(which);
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };

  const errorCount = Object.keys(issues).length;
  const shown = (key: Key) => info?.shell !== 'web' || !ELECTRON_ONLY.has(key);
  const groups = ALL_GROUPS.map((g) => ({ ...g, keys: g.keys.filter(shown) })).filter((g) => g.keys.length);
  const basic = groups.filter((g) => !g.advanced);
  const advanced = groups.filter((g) => g.advanced);
  const advancedHasErrors = advanced.some((g) => g.keys.some((k) => issues[k]));

  const renderGroup = (group: Group) => {
    return (
      <fieldset key={group.title} className="card settings-group">
        <legend className="sr-only">{group.title}</legend>
        <h2 aria-hidden="true">{group.title}</h2>
        <p className="muted small">{group.description}</p>
        {group.keys
          .filter(shown)
          .map((key) =>
            key === 'path_replacements' ? (
              <PathMappings
                key={key}
                value={draft[key] as PathReplacement[]}
                onChange={(rows) => set(key, rows)}
              />
            ) : (
              <Field
                key={key}
                name={key}
                meta={metaFor(key)}
                value={draft[key]}
                kind={fieldKind(key, config)}
                error={issues[key]}
                onChange={(v) => set(key, v)}
              />
            ),
          )}
        {group.title === 'Logging' ? (
          <div className="field-actions">
            <button type="button" className="btn btn-small" onClick={() => void open('logs')}>
              <Icon name="folder" size={14} /> Open log folder
            </button>
            {info ? <span className="muted small mono">{info.logDir}</span> : null}
          </div>
        ) : null}
        {group.title === 'Application' ? (
          <div className="field-actions">
            <button type="button" className="btn btn-small" onClick={() => void open('data')}>
              <Icon name="folder" size={14} /> Open data folder
            </button>
            {info ? <span className="muted small mono">{info.dataDir}</span> : null}
          </div>
        ) : null}
      </fieldset>
    );
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Settings">
      <PageHeader
        title="Settings"
        subtitle="Changes apply right away; the data folder after a restart."
        actions={
          <>
            <button type="button" className="btn" onClick={() => openSetup(true)}>
              <Icon name="server" size={16} /> Servers and libraries
            </button>
            <button
              type="button"
              className="btn"
              disabled={!unsaved || saving}
              onClick={() => setEdits(null)}
            >
              Discard changes
            </button>
            <button type="submit" className="btn btn-primary" disabled={!dirty || errorCount > 0 || saving}>
              {saving ? 'Saving…' : 'Save settings'}
            </button>
          </>
        }
      />
      {errorCount ? (
        <div className="banner banner-error" role="alert">
          {errorCount} {errorCount === 1 ? 'setting needs' : 'settings need'} fixing before saving.
        </div>
      ) : null}
      <div className="settings-groups">{basic.map(renderGroup)}</div>
      <details className="settings-advanced" open={advancedHasErrors || undefined}>
        <summary>Advanced</summary>
        <p className="muted small">Tuning for large or slow servers, logging, and addresses.</p>
        <div className="settings-groups">{advanced.map(renderGroup)}</div>
      </details>
    </form>
  );
}

type FieldKind = 'boolean' | 'number' | 'enum' | 'text';
function fieldKind(key: Key, config: Config): FieldKind {
  if (key === 'log_level') return 'enum';
  const value = config[key];
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'number';
  return 'text';
}

function Field({
  name,
  meta,
  value,
  kind,
  error,
  onChange,
}: {
  name: Key;
  meta: FieldMeta;
  value: unknown;
  kind: FieldKind;
  error: string | undefined;
  onChange: (value: unknown) => void;
}) {
  const id = `setting-${name}`;
  const helpId = `${id}-help`;
  const describedBy =
    [meta.help ? helpId : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  if (kind === 'boolean') {
    return (
      <div className="field field-switch">
        <label className="switch" htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            aria-describedby={describedBy}
            onChange={(e) => onChange(e.target.checked)}
          />
          <span className="switch-track" aria-hidden="true" />
          <span>{meta.label}</span>
        </label>
        {meta.help ? (
          <p id={helpId} className="muted small">
            {meta.help}
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <div className={`field ${error ? 'has-error' : ''}`}>
      <label htmlFor={id}>{meta.label}</label>
      <div className="field-input">
        {kind === 'enum' ? (
          <select
            id={id}
            value={String(value)}
            aria-describedby={describedBy}
            onChange={(e) => onChange(e.target.value)}
          >
            {LOG_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={id}
            type="text"
            inputMode={kind === 'number' ? 'decimal' : undefined}
            className={kind === 'number' ? 'input-number' : undefined}
            value={String(value)}
            aria-invalid={!!error}
            aria-describedby={describedBy}
            onChange={(e) => onChange(e.target.value)}
          />
        )}
        {meta.unit ? <span className="muted small">{meta.unit}</span> : null}
      </div>
      {meta.help ? (
        <p id={helpId} className="muted small">
          {meta.help}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error small" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
