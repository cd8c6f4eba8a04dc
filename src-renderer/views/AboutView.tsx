import { SignInAgain } from '../components/SignInAgain';
import { useEffect } from 'react';
import { Badge, ErrorBanner, Loading, PageHeader } from '../components/common';
import { Icon } from '../components/icons';
import { errorMessage } from '../lib/errors';
import { dateTime, humanize, relativeTime } from '../lib/format';
import { useLibraries, useServers, useSession, useSettings, useUi } from '../stores';

export function AboutView() {
  const info = useSession((s) => s.info);
  const health = useSession((s) => s.health);
  const account = useSession((s) => s.account);
  const error = useSession((s) => s.error);
  const refreshHealth = useSession((s) => s.refreshHealth);
  const logout = useSession((s) => s.logout);
  const openPath = useSettings((s) => s.openPath);
  const removeServer = useServers((s) => s.remove);
  const loadLibraries = useLibraries((s) => s.load);
  const notify = useUi((s) => s.notify);

  useEffect(() => {
    void refreshHealth();
  }, [refreshHealth]);

  // Servers discovery found but nobody chose are listed apart: they are not synced.
  const added = health?.servers.filter((s) => s.added) ?? [];
  const available = health?.servers.filter((s) => !s.added) ?? [];

  const act = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };

  return (
    <>
      <PageHeader
        title="About and health"
        actions={
          <button type="button" className="btn" onClick={() => void refreshHealth()}>
            <Icon name="sync" size={16} /> Check again
          </button>
        }
      />
      {error ? <ErrorBanner message={error} /> : null}
      <div className="about-grid">
        <section className="card" aria-labelledby="app-title">
          <h2 id="app-title">RetroVue {info?.version ?? ''}</h2>
          {info ? (
            <dl className="facts">
              <div>
                <dt>Running as</dt>
                <dd>
                  {info.shell === 'electron' ? 'Desktop app' : 'Web (retrovue serve)'} on {info.platform}
                </dd>
              </div>
              <div>
                <dt>Database</dt>
                <dd className="mono break">{info.databasePath}</dd>
              </div>
              <div>
                <dt>Data folder</dt>
                <dd className="mono break">{info.dataDir}</dd>
              </div>
              <div>
                <dt>Logs</dt>
                <dd className="mono break">{info.logDir}</dd>
              </div>
            </dl>
          ) : (
            <Loading />
          )}
          <div className="row-gap">
            <button type="button" className="btn btn-small" onClick={() => void act(() => openPath('logs'))}>
              <Icon name="folder" size={14} /> Open logs
            </button>
            <button type="button" className="btn btn-small" onClick={() => void act(() => openPath('data'))}>
              <Icon name="folder" size={14} /> Open data folder
            </button>
          </div>
        </section>

        <section className="card" aria-labelledby="health-title">
          <h2 id="health-title">Service</h2>
          {health ? (
            <dl className="facts">
              <div>
                <dt>Overall</dt>
                <dd>
                  {health.ok ? <Badge tone="ok">Healthy</Badge> : <Badge tone="bad">Needs attention</Badge>}
                </dd>
              </div>
              <div>
                <dt>Sync service</dt>
                <dd>{humanize(health.service)}</dd>
              </div>
              <div>
                <dt>Running since</dt>
                <dd>{dateTime(health.startedAt)}</dd>
              </div>
              <div>
                <dt>Heartbeat</dt>
                <dd>{relativeTime(health.heartbeatAt)}</dd>
              </div>
              <div>
                <dt>Database</dt>
                <dd>{health.databaseOk ? <Badge tone="ok">OK</Badge> : <Badge tone="bad">Problem</Badge>}</dd>
              </div>
              <div>
                <dt>Queue</dt>
                <dd>
                  {health.queue.length
                    ? health.queue.map((q) => `${q.libraryTitle} (${q.status})`).join(', ')
                    : 'empty'}
                </dd>
              </div>
            </dl>
          ) : (
            <Loading />
          )}
        </section>

        <section className="card" aria-labelledby="account-title">
          <h2 id="account-title">Plex account</h2>
          {account ? (
            <>
              <dl className="facts">
                <div>
                  <dt>User</dt>
                  <dd>{account.title ?? account.username}</dd>
                </div>
                {account.email ? (
                  <div>
                    <dt>Email</dt>
                    <dd>{account.email}</dd>
                  </div>
                ) : null}
                <div>
                  <dt>Sign-in</dt>
                  <dd>
                    {account.needsLogin ? (
                      <Badge tone="warn">Needs sign-in</Badge>
                    ) : (
                      <Badge tone="ok">Valid</Badge>
                    )}{' '}
                    <span className="muted small">checked {relativeTime(account.validatedAt)}</span>
                  </dd>
                </div>
              </dl>
              <button type="button" className="btn btn-small btn-danger" onClick={() => void act(logout)}>
                Sign out
              </button>
            </>
          ) : (
            <p className="muted">Not signed in to plex.tv.</p>
          )}
        </section>

        <section className="card about-wide" aria-labelledby="servers-health-title">
          <h2 id="servers-health-title">Servers</h2>
          {added.length ? (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Server</th>
                  <th scope="col">Reachable</th>
                  <th scope="col">Token</th>
                  <th scope="col">Connection</th>
                  <th scope="col">Errors in a row</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {added.map((s) => (
                  <tr key={s.serverId}>
                    <td>{s.name}</td>
                    <td>
                      {s.reachable === null ? (
                        '—'
                      ) : s.reachable ? (
                        <Badge tone="ok">Yes</Badge>
                      ) : (
                        <Badge tone="bad">No</Badge>
                      )}
                      {s.cooldownUntil ? (
                        <span className="muted small"> · paused until {dateTime(s.cooldownUntil)}</span>
                      ) : null}
                    </td>
                    <td>
                      {s.needsLogin ? (
                        <Badge tone="warn">Sign-in needed</Badge>
                      ) : s.tokenOk ? (
                        'OK'
                      ) : (
                        'Rejected'
                      )}
                    </td>
                    <td className="mono small">
                      {s.chosenUri ?? '—'}
                      {s.latencyMs !== null ? ` · ${s.latencyMs} ms` : ''}
                    </td>
                    <td>{s.consecutiveErrors}</td>
                    <td className="row-gap">
                      {s.needsLogin ? <SignInAgain serverName={s.name} /> : null}
                      <button
                        type="button"
                        className="btn btn-ghost btn-small btn-danger"
                        onClick={() => {
                          if (window.confirm(`Forget ${s.name}? Its libraries stop syncing.`)) {
                            void act(async () => {
                              await removeServer(s.serverId);
                              await Promise.all([refreshHealth(), loadLibraries()]);
                            });
                          }
                        }}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No servers yet.</p>
          )}
          {available.length ? (
            <p className="muted small" data-testid="available-servers">
              Also found, not synced: {available.map((s) => s.name).join(', ')}. Their state never changes the
              health shown above; use Setup to sync from one.
            </p>
          ) : null}
        </section>
      </div>
    </>
  );
}
