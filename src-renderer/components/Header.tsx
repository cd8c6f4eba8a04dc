import { useState } from 'react';
import { useSession, useUi } from '../stores';
import { errorMessage } from '../lib/errors';
import { relativeTime } from '../lib/format';
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

  const service = health?.service ?? 'stopped';
  const tone = !health ? 'neutral' : health.ok ? 'ok' : 'bad';
  const unreachable = health?.servers.filter((s) => s.reachable === false || s.needsLogin).length ?? 0;
  const healthText = !health
    ? 'Checking…'
    : health.ok
      ? `Healthy · ${service}`
      : `${unreachable ? `${unreachable} ${unreachable > 1 ? 'servers need' : 'server needs'} attention` : 'Degraded'} · ${service}`;

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
        className={`health-pill health-${tone}`}
        onClick={() => navigate('about')}
        title={health ? `Checked ${relativeTime(health.checkedAt)}` : undefined}
      >
        <span className="dot" aria-hidden="true" />
        <span>{healthText}</span>
      </button>
      {service === 'running' || service === 'paused' ? (
        <button type="button" className="btn btn-ghost btn-small" onClick={() => void toggle()}>
          <Icon name={service === 'paused' ? 'play' : 'pause'} size={14} />
          {service === 'paused' ? 'Resume syncing' : 'Pause syncing'}
        </button>
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
