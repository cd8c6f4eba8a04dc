import { useEffect, useState } from 'react';
import { Loading } from '../../components/common';
import { useNow } from '../../lib/use-now';
import { useLogin, useSession, useStores } from '../../stores';

const POLL_MS = 2000;

export function LoginStep({
  onBack,
  onDone,
  nextHint = 'Next, pick the server to copy from.',
}: {
  onBack: () => void;
  onDone: () => void;
  nextHint?: string;
}) {
  const pin = useLogin((s) => s.pin);
  const busy = useLogin((s) => s.busy);
  const error = useLogin((s) => s.error);
  const start = useLogin((s) => s.start);
  const cancel = useLogin((s) => s.cancel);
  const poll = useLogin((s) => s.poll);
  const reset = useLogin((s) => s.reset);
  const setAccount = useSession((s) => s.setAccount);
  // The desktop app opens the browser itself when the code is issued; the web page cannot.
  const desktop = useSession((s) => s.info?.shell === 'electron');
  const { login } = useStores();
  const waiting = pin?.status === 'waiting';
  const now = useNow(1000, waiting);

  // A fresh code on arrival, unless one is still waiting (e.g. the user navigated back and forth).
  useEffect(() => {
    const state = login.getState();
    if (state.pin?.status === 'waiting' || state.busy) return;
    state.reset();
    void state.start();
  }, [login]);

  // Events bring the answer; polling covers a missed event (e.g. a reconnecting web bridge).
  useEffect(() => {
    if (!waiting) return;
    const t = setInterval(() => void poll(), POLL_MS);
    return () => clearInterval(t);
  }, [waiting, poll]);

  useEffect(() => {
    if (pin?.status === 'linked' && pin.account) setAccount(pin.account);
  }, [pin, setAccount]);

  // plex.tv codes expire after a while; main then asks for a fresh one by itself.
  const [firstCode, setFirstCode] = useState<string | null>(null);
  if (waiting && pin.code && firstCode === null) setFirstCode(pin.code);
  const renewed = waiting && firstCode !== null && pin.code !== firstCode;

  const remaining = pin?.expiresAt ? Math.max(0, Math.round((pin.expiresAt - now) / 1000)) : null;
  const renew = () => {
    setFirstCode(null);
    reset();
    void start();
  };

  return (
    <section className="setup-body" aria-labelledby="login-title">
      <h1 id="login-title">Sign in with Plex</h1>
      {busy && !pin ? <Loading label="Asking plex.tv for a code…" /> : null}
      {error ? (
        <div className="banner banner-error" role="alert">
          <span>Could not start the sign-in: {error}</span>
          <button type="button" className="btn btn-small" onClick={renew}>
            Try again
          </button>
        </div>
      ) : null}

      {pin?.status === 'waiting' ? (
        <>
          <p className="lead">
            {desktop ? 'We opened plex.tv in your browser. ' : 'Open plex.tv in your browser. '}
            Sign in with your Plex account and allow RetroVue; the page shows this code:
          </p>
          <div
            className={`pin-code ${(pin.code?.length ?? 0) > 8 ? 'pin-code-long' : ''}`}
            aria-label="Sign-in code"
          >
            {pin.code}
          </div>
          {renewed ? (
            <p className="muted small" role="status">
              The previous code expired, so here is a new one.
            </p>
          ) : null}
          <div className="setup-actions">
            {pin.authUrl ? (
              <a
                className="btn btn-primary btn-large"
                href={pin.authUrl}
                target="_blank"
                rel="noreferrer noopener"
              >
                {desktop ? 'Open plex.tv again' : 'Open plex.tv in the browser'}
              </a>
            ) : null}
            <button type="button" className="btn btn-large" onClick={() => void cancel()}>
              Cancel
            </button>
          </div>
          <p className="waiting" role="status" aria-live="polite">
            <span className="spinner" aria-hidden="true" /> Waiting for you to approve the code
            {remaining !== null
              ? ` · expires in ${Math.floor(remaining / 60)}:${String(remaining % 60).padStart(2, '0')}`
              : ''}
          </p>
        </>
      ) : null}

      {pin?.status === 'expired' ? (
        <div className="state-box" role="status">
          <h2>The code expired</h2>
          <p className="muted">Codes are valid for a few minutes. Get a new one and approve it on plex.tv.</p>
          <button type="button" className="btn btn-primary" onClick={renew}>
            Get a new code
          </button>
        </div>
      ) : null}

      {pin?.status === 'cancelled' ? (
        <div className="state-box" role="status">
          <h2>Sign-in cancelled</h2>
          <div className="setup-actions">
            <button type="button" className="btn btn-primary" onClick={renew}>
              Start again
            </button>
            <button type="button" className="btn btn-ghost" onClick={onBack}>
              Back
            </button>
          </div>
        </div>
      ) : null}

      {pin?.status === 'error' ? (
        <div className="banner banner-error" role="alert">
          <span>{pin.message ?? 'plex.tv refused the sign-in.'}</span>
          <button type="button" className="btn btn-small" onClick={renew}>
            Try again
          </button>
        </div>
      ) : null}

      {pin?.status === 'linked' ? (
        <div className="state-box state-ok" role="status">
          <h2>Signed in{pin.account ? ` as ${pin.account.title ?? pin.account.username}` : ''}</h2>
          <p className="muted">{nextHint}</p>
          <button type="button" className="btn btn-primary" onClick={onDone} autoFocus>
            Continue
          </button>
        </div>
      ) : null}
    </section>
  );
}
