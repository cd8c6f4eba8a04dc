import { useState } from 'react';
import { useErrors, useLibraries, useSession, useUi } from '../stores';
import { errorMessage } from '../lib/errors';
import { relativeTime } from '../lib/format';
import { summarizeHealth } from '../lib/health';
import { Icon } from './icons';

export function Header({ connection }: { connection: 'connecting' | 'open' | 'closed' | null }) {
  const account = useSession((s) => s.account);
  const health = useSession((s) => s.health);
  const pause = useSession((s) => s.pause);
  const resume = useSession((s) => s.resume);
  const navigate = useUi((s) => s.navigate);
  const notify = useUi((s) => s.notify);
  // Offline, or plex.tv's image host blocked: fall back to the initial.
  const [avatarFailed, setAvatarFailed] = useState(false);

  const libraries = useLibraries((s) => s.libraries);
  const statuses = useLibraries((s) => s.statuses);
  // The errors page's total when unfiltered is every open error; otherwise the libraries' own.
  const openErrors = useErrors((s) => {
    const f = s.filters;
    const unfiltered = !f.includeResolved && !f.errorClass && !f.serverId && !f.libraryId && !f.days;
    return unfiltered && s.status !== 'idle' ? s.total : null;
  });
  const service = health?.service ?? 'stopped';
  const summary = summarizeHealth(
    health,
    libraries,
    statuses,
    openErrors ?? statuses.reduce((n, s) => n + s.openErrors, 0),
  );

  const toggle = async () => {
    try {
      if (service === 'paused') await resume();
      else await pause();
    } catch (error) {
      notify('error', errorMessage(error));
    }
  };

  return (
    <header className="topbar">
      {connection && connection !== 'open' ? (
        <div className="banner banner-warn topbar-banner" role="status">
          {connection === 'connecting' ? 'Connecting to RetroVue…' : 'Connection lost — reconnecting…'}
        </div>
      ) : null}
      <button
        type="button"
        className={`health-pill health-${summary.tone} ${summary.paused ? 'health-paused' : ''}`}
        data-testid="health-pill"
        data-tone={summary.tone}
        onClick={() => navigate(summary.tone === 'warn' && openErrors ? 'errors' : 'about')}
        title={health ? `Checked ${relativeTime(health.checkedAt)}` : undefined}
      >
        {summary.paused ? <Icon name="pause" size={12} /> : <span className="dot" aria-hidden="true" />}
        <span>{summary.text}</span>
      </button>
      {service === 'running' || service === 'paused' ? (
        <button
          type="button"
          className="btn btn-ghost btn-small"
          disabled={connection === 'closed'}
          onClick={() => void toggle()}
        >
          <Icon name={service === 'paused' ? 'play' : 'pause'} size={14} />
          {service === 'paused' ? 'Resume syncing' : 'Pause syncing'}
        </button>
      ) : null}
      {service === 'paused' ? (
        <span className="paused-note" role="status">
          Syncing is paused — nothing runs until you resume
        </span>
      ) : null}
      <div className="account" aria-label="Plex account">
        {account ? (
          <>
            {account.avatarUrl && !avatarFailed ? (
              <img
                className="avatar"
                src={account.avatarUrl}
                alt=""
                width={28}
                height={28}
                onError={() => setAvatarFailed(true)}
              />
            ) : (
              <span className="avatar avatar-initial" aria-hidden="true">
                {(account.title ?? account.username).charAt(0).toUpperCase()}
              </span>
            )}
            <span className="account-name">{account.title ?? account.username}</span>
            {account.needsLogin ? <span className="badge badge-warn">Sign-in needed</span> : null}
          </>
        ) : (
          <span className="muted">Not signed in</span>
        )}
      </div>
    </header>
  );
}
