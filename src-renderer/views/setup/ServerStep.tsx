import { useEffect, useState, type FormEvent } from 'react';
import type { ServerView } from '../../../src-shared/ipc/contract';
import { Badge, ErrorBanner, Loading } from '../../components/common';
import { Icon } from '../../components/icons';
import { errorMessage } from '../../lib/errors';
import { useLibraries, useServers, useSession } from '../../stores';

function bestLatency(server: ServerView): number | null {
  const measured = server.connections.map((c) => c.latencyMs).filter((n): n is number => n !== null);
  return server.latencyMs ?? (measured.length ? Math.min(...measured) : null);
}

export function ServerStep({
  manualFirst,
  onBack,
  onDone,
}: {
  manualFirst: boolean;
  onBack?: () => void;
  onDone: (serverId: number) => void;
}) {
  const servers = useServers((s) => s.servers);
  const discovering = useServers((s) => s.discovering);
  const error = useServers((s) => s.error);
  const discover = useServers((s) => s.discover);
  const addManual = useServers((s) => s.addManual);
  const refreshLibraries = useLibraries((s) => s.refreshFromServer);
  const account = useSession((s) => s.account);
  const [chosen, setChosen] = useState<number | null>(null);
  const [showManual, setShowManual] = useState(manualFirst);
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [manualError, setManualError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [continueError, setContinueError] = useState<string | null>(null);

  // Once per visit (account objects change on every check; discovery is slow and measures latency).
  const signedIn = !!account && !account.needsLogin;
  useEffect(() => {
    if (signedIn) void discover();
  }, [signedIn, discover]);

  const selected = chosen ?? (servers.length === 1 ? (servers[0]?.id ?? null) : null);

  const submitManual = async (e: FormEvent) => {
    e.preventDefault();
    setManualError(null);
    setBusy(true);
    try {
      const server = await addManual(url.trim(), token.trim());
      setChosen(server.id);
      setToken('');
      setShowManual(false);
    } catch (err) {
      setManualError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const next = async () => {
    if (selected === null) return;
    setBusy(true);
    setContinueError(null);
    try {
      await refreshLibraries(selected);
      onDone(selected);
    } catch (err) {
      setContinueError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="setup-body" aria-labelledby="server-title">
      <div className="row-between">
        <h1 id="server-title">Choose a server</h1>
        {signedIn ? (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void discover()}
            disabled={discovering}
          >
            <Icon name="sync" size={14} /> Search again
          </button>
        ) : null}
      </div>
      <p className="muted">
        Servers your Plex account can reach and servers found on this network. We measured each connection.
      </p>
      {discovering ? <Loading label="Looking for servers and testing connections…" /> : null}
      {error ? <ErrorBanner message={error} onRetry={() => void discover()} /> : null}
      {!discovering && !servers.length && !error ? (
        <p className="empty-inline">No servers found yet. Add one with its address and token below.</p>
      ) : null}

      <div className="server-list" role="radiogroup" aria-label="Servers">
        {servers.map((server, index) => {
          const latency = bestLatency(server);
          const isSelected = selected === server.id;
          return (
            <div
              key={server.id}
              role="radio"
              aria-checked={isSelected}
              tabIndex={isSelected || (selected === null && index === 0) ? 0 : -1}
              className={`server-card ${isSelected ? 'selected' : ''}`}
              onClick={() => setChosen(server.id)}
              onKeyDown={(e) => {
                if (e.key === ' ' || e.key === 'Enter') {
                  e.preventDefault();
                  setChosen(server.id);
                  return;
                }
                // Arrow keys move the choice, as in any radio group.
                const step =
                  e.key === 'ArrowDown' || e.key === 'ArrowRight'
                    ? 1
                    : e.key === 'ArrowUp' || e.key === 'ArrowLeft'
                      ? -1
                      : 0;
                if (!step) return;
                e.preventDefault();
                const next = servers[(index + step + servers.length) % servers.length];
                if (!next) return;
                setChosen(next.id);
                const cards = e.currentTarget.parentElement?.querySelectorAll<HTMLElement>('[role="radio"]');
                cards?.[(index + step + servers.length) % servers.length]?.focus();
              }}
            >
              <div className="server-head">
                <Icon name="server" size={22} />
                <div>
                  <div className="server-name">{server.name}</div>
                  <div className="muted small">
                    {server.owned ? 'Your server' : `Shared by ${server.sourceTitle ?? 'someone else'}`}
                    {server.version ? ` · Plex ${server.version}` : ''} · found via{' '}
                    {server.sources.join(', ') || 'manual'}
                  </div>
                </div>
                <div className="server-latency">
                  {latency !== null ? (
                    <strong>{latency} ms</strong>
                  ) : (
                    <span className="muted">not measured</span>
                  )}
                  {server.added ? <Badge tone="ok">Added</Badge> : null}
                  {server.needsLogin ? <Badge tone="warn">Needs sign-in</Badge> : null}
                </div>
              </div>
              {server.connections.length ? (
                <table className="table table-compact">
                  <caption className="sr-only">Connections to {server.name}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Connection</th>
                      <th scope="col">Address</th>
                      <th scope="col">Latency</th>
                      <th scope="col">Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {server.connections.map((c) => (
                      <tr key={c.uri}>
                        <td>
                          <Badge tone={c.kind === 'local' ? 'ok' : c.kind === 'remote' ? 'info' : 'warn'}>
                            {c.kind}
                          </Badge>{' '}
                          {c.protocol.toUpperCase()}
                          {c.chosen ? <span className="chosen"> · in use</span> : null}
                        </td>
                        <td className="mono" title={c.uri}>
                          {/* Inside the cell: an inline-block cell would lose its row's border. */}
                          <span className="ellipsis">{c.uri}</span>
                        </td>
                        <td>{c.latencyMs !== null ? `${c.latencyMs} ms` : '—'}</td>
                        <td>{c.ok === null ? 'untested' : c.ok ? 'reachable' : 'unreachable'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </div>
          );
        })}
      </div>

      {showManual ? (
        <form className="manual-form" onSubmit={(e) => void submitManual(e)} aria-labelledby="manual-title">
          <h2 id="manual-title">Add a server by address</h2>
          <div className="form-grid">
            <label>
              Server URL
              <input
                type="url"
                required
                placeholder="http://192.168.1.10:32400"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
              />
            </label>
            <label>
              Plex token
              <input
                type="password"
                required
                autoComplete="off"
                value={token}
                onChange={(e) => setToken(e.target.value)}
              />
            </label>
          </div>
          {manualError ? <ErrorBanner message={manualError} /> : null}
          <div className="setup-actions">
            <button type="submit" className="btn" disabled={busy || !url || !token}>
              Add server
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="btn btn-link" onClick={() => setShowManual(true)}>
          Add a server by URL and token
        </button>
      )}

      {continueError ? <ErrorBanner message={continueError} /> : null}
      <div className="setup-footer">
        {onBack ? (
          <button type="button" className="btn btn-ghost" onClick={onBack}>
            Back
          </button>
        ) : (
          <span />
        )}
        <button
          type="button"
          className="btn btn-primary"
          disabled={selected === null || busy}
          onClick={() => void next()}
        >
          {busy ? 'Reading libraries…' : 'Use this server'}
        </button>
      </div>
    </section>
  );
}
