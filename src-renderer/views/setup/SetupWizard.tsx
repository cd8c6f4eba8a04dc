// First run: sign in with a PIN, pick a server, choose libraries and map their paths.
import { useState } from 'react';
import { useSession } from '../../stores';
import { LibrariesStep } from './LibrariesStep';
import { LoginStep } from './LoginStep';
import { ServerStep } from './ServerStep';

type Step = 'welcome' | 'login' | 'server' | 'libraries';

const STEPS: { id: Exclude<Step, 'welcome'>; label: string }[] = [
  { id: 'login', label: 'Sign in' },
  { id: 'server', label: 'Server' },
  { id: 'libraries', label: 'Libraries' },
];

export function SetupWizard({ onClose }: { onClose?: () => void }) {
  const account = useSession((s) => s.account);
  const signedIn = !!account && !account.needsLogin;
  const [step, setStep] = useState<Step>(signedIn ? 'server' : account?.needsLogin ? 'login' : 'welcome');
  const [serverId, setServerId] = useState<number | null>(null);
  const [manualFirst, setManualFirst] = useState(false);
  const current = STEPS.findIndex((s) => s.id === step);

  return (
    <div className="setup">
      <div className="setup-card">
        <div className="setup-top">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              ▶
            </span>
            <span>RetroVue</span>
          </div>
          {step !== 'welcome' ? (
            <ol className="steps" aria-label="Setup progress">
              {STEPS.map((s, i) => (
                <li
                  key={s.id}
                  className={i < current ? 'done' : i === current ? 'current' : undefined}
                  aria-current={i === current ? 'step' : undefined}
                >
                  <span className="step-num">{i + 1}</span> {s.label}
                </li>
              ))}
            </ol>
          ) : null}
          {onClose ? (
            <button type="button" className="btn btn-ghost btn-small" onClick={onClose}>
              Close setup
            </button>
          ) : null}
        </div>

        {step === 'welcome' ? (
          <section className="setup-body" aria-labelledby="welcome-title">
            <h1 id="welcome-title">Keep a local copy of your Plex libraries</h1>
            <p className="lead">
              RetroVue reads your movies and shows from Plex Media Server — titles, files, streams, chapters,
              artwork and cast — and keeps them in a database on this computer, syncing quietly in the
              background.
            </p>
            <ol className="explain">
              <li>
                <strong>Sign in with Plex.</strong> We show a code and open plex.tv; you approve it there.
                RetroVue never sees your password, and keeps the access token in your system's secure storage.
              </li>
              <li>
                <strong>Pick a server.</strong> We find your servers and measure which connection is fastest.
              </li>
              <li>
                <strong>Choose libraries.</strong> Tell us where the media files live on this computer, and we
                check a file.
              </li>
            </ol>
            <div className="setup-actions">
              <button
                type="button"
                className="btn btn-primary btn-large"
                onClick={() => setStep('login')}
                autoFocus
              >
                Sign in with Plex
              </button>
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => {
                  setManualFirst(true);
                  setStep('server');
                }}
              >
                Connect to a server with a URL and token instead
              </button>
            </div>
          </section>
        ) : null}
        {step === 'login' ? (
          <LoginStep onBack={() => setStep('welcome')} onDone={() => setStep('server')} />
        ) : null}
        {step === 'server' ? (
          <ServerStep
            manualFirst={manualFirst}
            onBack={signedIn ? undefined : () => setStep('welcome')}
            onDone={(id) => {
              setServerId(id);
              setStep('libraries');
            }}
          />
        ) : null}
        {step === 'libraries' && serverId !== null ? (
          <LibrariesStep serverId={serverId} onBack={() => setStep('server')} onDone={onClose} />
        ) : null}
      </div>
    </div>
  );
}
