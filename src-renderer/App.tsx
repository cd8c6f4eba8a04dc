import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Header } from './components/Header';
import { Notices } from './components/Notices';
import { Sidebar } from './components/Sidebar';
import { Loading } from './components/common';
import type { BridgeStatus } from './bridge/web-bridge';
import {
  StoresContext,
  useErrors,
  useLibraries,
  useServers,
  useSession,
  useSettings,
  useUi,
  type AppStores,
} from './stores';
import { connectEvents } from './stores/events';
import { routeFromHash, type Route } from './stores/ui-store';
import { AboutView } from './views/AboutView';
import { ErrorsView } from './views/ErrorsView';
import { ItemsView } from './views/ItemsView';
import { LibrariesView } from './views/LibrariesView';
import { SchedulesView } from './views/SchedulesView';
import { SettingsView } from './views/SettingsView';
import { SetupWizard } from './views/setup/SetupWizard';

// Recharts is most of the bundle: load it with the Activity page only.
const ActivityView = lazy(() => import('./views/ActivityView'));

export interface AppProps {
  stores: AppStores;
  onConnection?: (listener: (status: BridgeStatus) => void) => () => void;
}

export function App({ stores, onConnection }: AppProps) {
  useEffect(() => connectEvents(stores), [stores]);
  return (
    <StoresContext.Provider value={stores}>
      <Shell onConnection={onConnection} />
    </StoresContext.Provider>
  );
}

function Shell({ onConnection }: { onConnection: AppProps['onConnection'] }) {
  const loaded = useSession((s) => s.loaded);
  const loadError = useSession((s) => s.error);
  const account = useSession((s) => s.account);
  const loadSession = useSession((s) => s.load);
  const servers = useServers((s) => s.servers);
  const serversStatus = useServers((s) => s.status);
  const loadServers = useServers((s) => s.load);
  const libraries = useLibraries((s) => s.libraries);
  const librariesStatus = useLibraries((s) => s.status);
  const loadLibraries = useLibraries((s) => s.load);
  const loadErrors = useErrors((s) => s.load);
  const loadSettings = useSettings((s) => s.load);
  const setupOpen = useUi((s) => s.setupOpen);
  const route = useUi((s) => s.route);
  const openSetup = useUi((s) => s.openSetup);
  const navigate = useUi((s) => s.navigate);
  const [connection, setConnection] = useState<BridgeStatus | null>(null);

  // After a dropped connection the events in between are lost: read everything again.
  useEffect(() => {
    if (!onConnection) return;
    let lost = false;
    return onConnection((status) => {
      setConnection(status);
      if (status === 'closed') lost = true;
      if (status === 'open' && lost) {
        lost = false;
        void loadSession();
        void loadServers();
        void loadLibraries();
        void loadErrors();
      }
    });
  }, [onConnection, loadSession, loadServers, loadLibraries, loadErrors]);

  useEffect(() => {
    void loadSession();
    void loadServers();
    void loadLibraries();
    // For the sidebar's open-error count; kept fresh by run events from then on.
    void loadErrors(0);
    // Notices follow failure_notifications; config:changed keeps it current.
    void loadSettings();
  }, [loadSession, loadServers, loadLibraries, loadErrors, loadSettings]);

  useEffect(() => {
    const onHash = () => navigate(routeFromHash(window.location.hash));
    // Back/Forward over pushState entries fire popstate; a typed or linked hash fires hashchange.
    window.addEventListener('popstate', onHash);
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('popstate', onHash);
      window.removeEventListener('hashchange', onHash);
    };
  }, [navigate]);

  // The splash is for start-up only: later reloads (discovery in the wizard) keep the page mounted.
  const [booted, setBooted] = useState(false);
  const ready =
    loaded &&
    serversStatus !== 'idle' &&
    serversStatus !== 'loading' &&
    librariesStatus !== 'idle' &&
    librariesStatus !== 'loading';
  if (ready && !booted) setBooted(true);
  if (!ready && !booted) {
    return (
      <div className="splash">
        {connection === 'closed' ? (
          <div className="banner banner-warn" role="status">
            Cannot reach RetroVue yet — retrying…
          </div>
        ) : (
          <Loading label="Starting RetroVue…" />
        )}
      </div>
    );
  }
  if (loadError && !account && !servers.length) {
    return (
      <div className="splash">
        <div className="banner banner-error" role="alert">
          RetroVue could not start: {loadError}
        </div>
      </div>
    );
  }

  const firstRun = servers.length === 0 || !libraries.some((l) => l.selected);
  if (firstRun || setupOpen) {
    return (
      <>
        <SetupWizard onClose={firstRun ? undefined : () => openSetup(false)} />
        <Notices />
      </>
    );
  }

  return (
    <div className="app">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <Sidebar />
      <div className="main">
        <Header connection={connection} />
        {account?.needsLogin ? (
          <div className="banner banner-warn" role="alert">
            Plex no longer accepts this sign-in. Syncing is paused until you sign in again.
            <button type="button" className="btn btn-small btn-primary" onClick={() => openSetup(true)}>
              Sign in
            </button>
          </div>
        ) : null}
        <main id="content" className="content" tabIndex={-1}>
          <fieldset className="bare-fieldset" disabled={connection === 'closed'}>
            <ErrorBoundary resetKey={route}>
              <RouteView />
            </ErrorBoundary>
          </fieldset>
        </main>
      </div>
      <Notices />
    </div>
  );
}

function RouteView() {
  const route: Route = useUi((s) => s.route);
  // Keyboard and screen-reader users land on the new page, not on the sidebar link they used.
  const firstRoute = useRef(true);
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    document.getElementById('content')?.focus({ preventScroll: true });
  }, [route]);
  switch (route) {
    case 'libraries':
      return <LibrariesView />;
    case 'items':
      return <ItemsView />;
    case 'schedules':
      return <SchedulesView />;
    case 'errors':
      return <ErrorsView />;
    case 'activity':
      return (
        <Suspense fallback={<Loading />}>
          <ActivityView />
        </Suspense>
      );
    case 'settings':
      return <SettingsView />;
    case 'about':
      return <AboutView />;
  }
}
