// "Sign in again" where the problem shows: the plex.tv PIN flow in a dialog over the page, then the
// servers are read again with the new sign-in so their tokens are fresh.
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { errorMessage } from '../lib/errors';
import { useLibraries, useServers, useSession, useUi } from '../stores';
import { LoginStep } from '../views/setup/LoginStep';

export function SignInAgain({ serverName }: { serverName: string }) {
  const [open, setOpen] = useState(false);
  const discover = useServers((s) => s.discover);
  const loadLibraries = useLibraries((s) => s.load);
  const refreshHealth = useSession((s) => s.refreshHealth);
  const notify = useUi((s) => s.notify);
  const notices = useUi((s) => s.notices);
  const dismiss = useUi((s) => s.dismiss);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    dialog.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  const done = async () => {
    setOpen(false);
    try {
      await discover();
      await Promise.all([loadLibraries(), refreshHealth()]);
      // The notices that asked for this sign-in are answered now.
      for (const n of notices) if (n.kind === 'error' && /sign-in/i.test(n.text)) dismiss(n.id);
      notify('info', `Signed in again. ${serverName} is read with the new sign-in from now on.`);
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };

  return (
    <>
      <button type="button" className="btn btn-small btn-primary" onClick={() => setOpen(true)}>
        Sign in again
      </button>
      {open
        ? createPortal(
            <div className="overlay" role="presentation" onClick={() => setOpen(false)}>
              <div
                ref={dialog}
                className="dialog card"
                role="dialog"
                aria-modal="true"
                aria-label={`Sign in again for ${serverName}`}
                tabIndex={-1}
                onClick={(e) => e.stopPropagation()}
              >
                <LoginStep
                  onBack={() => setOpen(false)}
                  onDone={() => void done()}
                  nextHint={`RetroVue reads ${serverName} with this sign-in from now on.`}
                />
              </div>
            </div>,
            document.body,
          )
        : null}
    </>
  );
}
