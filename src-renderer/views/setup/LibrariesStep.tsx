import { useEffect, useRef, useState } from 'react';
import type { PathReplacement } from '../../../src-shared/config-schema';
import type { PathCheckView } from '../../../src-shared/ipc/contract';
import { ErrorBanner, Loading } from '../../components/common';
import { completeMappings, PathMappings } from '../../components/PathMappings';
import { errorMessage } from '../../lib/errors';
import { recheckWords } from '../../lib/recheck-words';
import { count } from '../../lib/format';
import { useLibraries, useServers, useSettings, useStores, useUi } from '../../stores';

const APPLY_DEBOUNCE_MS = 700;

type Check =
  { status: 'checking' } | { status: 'done'; view: PathCheckView } | { status: 'failed'; message: string };

export function LibrariesStep({
  serverId,
  onBack,
  onDone,
}: {
  serverId: number;
  onBack: () => void;
  onDone?: () => void;
}) {
  const { api } = useStores();
  const server = useServers((s) => s.servers.find((x) => x.id === serverId) ?? null);
  const allLibraries = useLibraries((s) => s.libraries);
  const libraries = allLibraries.filter((l) => l.serverId === serverId);
  const select = useLibraries((s) => s.select);
  const sync = useLibraries((s) => s.sync);
  const config = useSettings((s) => s.config);
  const loadConfig = useSettings((s) => s.load);
  const updateConfig = useSettings((s) => s.update);
  const navigate = useUi((s) => s.navigate);
  const notify = useUi((s) => s.notify);

  const [picked, setPicked] = useState<Set<number>>(
    () => new Set(libraries.filter((l) => l.selected).map((l) => l.id)),
  );
  const [mappings, setMappings] = useState<PathReplacement[] | null>(null);
  const [checks, setChecks] = useState<Record<number, Check>>({});
  // New libraries get their first sync straight away; reopened for mappings, nothing need run.
  const firstRun = libraries.some((l) => l.lastSyncAt === null);
  const [syncNow, setSyncNow] = useState(firstRun);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [recheckNote, setRecheckNote] = useState<string | null>(null);
  const applyTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    void loadConfig();
  }, [loadConfig]);
  useEffect(() => {
    if (config && mappings === null) setMappings(config.path_replacements);
  }, [config, mappings]);

  const check = async (libraryId: number) => {
    setChecks((c) => ({ ...c, [libraryId]: { status: 'checking' } }));
    try {
      const view = await api.invoke('paths:check', { libraryId });
      setChecks((c) => ({ ...c, [libraryId]: { status: 'done', view } }));
    } catch (err) {
      setChecks((c) => ({ ...c, [libraryId]: { status: 'failed', message: errorMessage(err) } }));
    }
  };

  // Mapping edits are saved shortly after typing stops, then every ticked library is checked again.
  const editMappings = (next: PathReplacement[]) => {
    setMappings(next);
    if (applyTimer.current) clearTimeout(applyTimer.current);
    applyTimer.current = setTimeout(async () => {
      try {
        const { recheck } = await updateConfig({ path_replacements: completeMappings(next) });
        setRecheckNote(recheck ? recheckWords(recheck) : null);
        await Promise.all([...picked].map((id) => check(id)));
      } catch (err) {
        setError(errorMessage(err));
      }
    }, APPLY_DEBOUNCE_MS);
  };
  useEffect(
    () => () => {
      if (applyTimer.current) clearTimeout(applyTimer.current);
    },
    [],
  );

  const toggle = (libraryId: number, on: boolean) => {
    setPicked((p) => {
      const next = new Set(p);
      if (on) next.add(libraryId);
      else next.delete(libraryId);
      return next;
    });
    if (on && !checks[libraryId]) void check(libraryId);
  };

  const finish = async () => {
    setBusy(true);
    setError(null);
    try {
      if (mappings) await updateConfig({ path_replacements: completeMappings(mappings) });
      const ids = [...picked];
      const off = libraries.filter((l) => !picked.has(l.id)).map((l) => l.id);
      if (off.length) await select(off, false);
      await select(ids, true);
      if (syncNow) await sync(ids, 'incremental');
      notify(
        'info',
        syncNow ? `Syncing ${ids.length} ${ids.length === 1 ? 'library' : 'libraries'}…` : 'Libraries saved.',
      );
      navigate('libraries');
      onDone?.();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="setup-body" aria-labelledby="libraries-title">
      <h1 id="libraries-title">Choose libraries{server ? ` on ${server.name}` : ''}</h1>
      <p className="muted">
        Tick the libraries to keep a copy of. Only movie and TV libraries are supported.
      </p>
      {!libraries.length ? <p className="empty-inline">This server has no movie or TV libraries.</p> : null}
      <ul className="library-picks">
        {libraries.map((library) => {
          const result = checks[library.id];
          return (
            <li key={library.id} className={picked.has(library.id) ? 'picked' : undefined}>
              <label className="check check-large">
                <input
                  type="checkbox"
                  checked={picked.has(library.id)}
                  onChange={(e) => toggle(library.id, e.target.checked)}
                />
                <span>
                  <strong>{library.title}</strong>
                  <span className="muted small"> · {library.type === 'movie' ? 'Movies' : 'TV shows'}</span>
                  <span className="muted small mono block">
                    {library.locations.join(' · ') || 'no folders reported'}
                  </span>
                </span>
              </label>
              <div className="path-check" aria-live="polite">
                <button type="button" className="btn btn-small" onClick={() => void check(library.id)}>
                  Check a file
                </button>
                <PathCheckResult check={result} />
              </div>
            </li>
          );
        })}
      </ul>

      <h2>Where are the files on this computer?</h2>
      <p className="muted small">
        If Plex sees your media under another path (a NAS, a Docker volume, another drive letter), map its
        path prefix to the one here. RetroVue then checks each file and marks the ones it cannot find.
      </p>
      {mappings ? (
        <>
          <PathMappings
            value={mappings}
            onChange={editMappings}
            serverMachineId={server?.machineIdentifier}
          />
          {recheckNote ? (
            <p className="muted small" role="status">
              {recheckNote}
            </p>
          ) : null}
        </>
      ) : (
        <Loading label="Loading settings…" />
      )}

      {error ? <ErrorBanner message={error} /> : null}
      <div className="setup-footer">
        <button type="button" className="btn btn-ghost" onClick={onBack}>
          Back
        </button>
        <div className="row-gap">
          <label className="check">
            <input type="checkbox" checked={syncNow} onChange={(e) => setSyncNow(e.target.checked)} />
            {firstRun ? 'Start the first sync now' : 'Sync now'}
          </label>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!picked.size || busy}
            onClick={() => void finish()}
          >
            {busy
              ? 'Saving…'
              : `Keep ${count(picked.size)} ${picked.size === 1 ? 'library' : 'libraries'} in sync`}
          </button>
        </div>
      </div>
    </section>
  );
}

function PathCheckResult({ check }: { check: Check | undefined }) {
  if (!check) return null;
  if (check.status === 'checking') return <span className="muted small">Checking…</span>;
  if (check.status === 'failed') return <span className="text-bad small">{check.message}</span>;
  const { sample, message } = check.view;
  if (!sample) return <div className="muted small">{message}</div>;
  return (
    <div className="small check-result">
      <span className={sample.exists ? 'text-ok' : 'text-warn'}>
        {sample.exists ? '✓ File found here' : '✗ File not found here'}
      </span>
      <span className="muted"> · {sample.title}</span>
      <div className="mono muted">{sample.localPath ?? sample.plexPath}</div>
      {!sample.exists ? <div className="muted">{message}</div> : null}
    </div>
  );
}
