// Navigation and notices. The route lives in the URL hash, one history entry per view, so reloads and
// the browser's Back and Forward move between views.
import { createStore } from 'zustand/vanilla';

export const ROUTES = ['libraries', 'items', 'schedules', 'errors', 'activity', 'settings', 'about'] as const;
export type Route = (typeof ROUTES)[number];

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface UiState {
  route: Route;
  /** The first-run wizard, also reachable later from Settings to add a server. */
  setupOpen: boolean;
  notices: Notice[];
  /** Asked before leaving the current view (unsaved settings); false keeps the person where they are. */
  leaveGuard: (() => boolean) | null;
  /** True when the view changed. */
  navigate(route: Route): boolean;
  setLeaveGuard(guard: (() => boolean) | null): void;
  openSetup(open: boolean): void;
  notify(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
}

export function routeFromHash(hash: string): Route {
  const name = hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'libraries';
}

let noticeId = 1;

export function createUiStore(initialRoute: Route) {
  return createStore<UiState>()((set, get) => ({
    route: initialRoute,
    setupOpen: false,
    notices: [],
    leaveGuard: null,
    navigate(route) {
      const { route: current, leaveGuard } = get();
      if (route !== current && leaveGuard && !leaveGuard()) {
        // Back/Forward already moved the address: put the view's own entry back.
        if (typeof window !== 'undefined' && window.location.hash !== `#/${current}`)
          window.history.pushState(null, '', `#/${current}`);
        return false;
      }
      if (route !== current) set({ route, leaveGuard: null });
      if (typeof window !== 'undefined' && window.location.hash !== `#/${route}`) {
        window.history.pushState(null, '', `#/${route}`);
      }
      return true;
    },
    setLeaveGuard: (leaveGuard) => set({ leaveGuard }),
    openSetup: (setupOpen) => set({ setupOpen }),
    notify(kind, text) {
      const notice = { id: noticeId++, kind, text };
      set((s) => ({ notices: [...s.notices.slice(-3), notice] }));
      setTimeout(
        () => set((s) => ({ notices: s.notices.filter((n) => n.id !== notice.id) })),
        kind === 'error' ? 8000 : 3000,
      );
    },
    dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  }));
}
