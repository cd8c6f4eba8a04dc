// One zustand store per concern, created together for one API and wired to its event stream.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { RetroVueApi } from '../../src-shared/ipc/contract';
import { createActivityStore, type ActivityState } from './activity-store';
import { createErrorsStore, type ErrorsState } from './errors-store';
import { createItemsStore, type ItemsState } from './items-store';
import { createLibrariesStore, type LibrariesState } from './libraries-store';
import { createLoginStore, type LoginState } from './login-store';
import { createSchedulesStore, type SchedulesState } from './schedules-store';
import { createServersStore, type ServersState } from './servers-store';
import { createSessionStore, type SessionState } from './session-store';
import { createSettingsStore, type SettingsState } from './settings-store';
import { createUiStore, type Route, type UiState } from './ui-store';

export interface AppStores {
  api: RetroVueApi;
  ui: StoreApi<UiState>;
  session: StoreApi<SessionState>;
  login: StoreApi<LoginState>;
  servers: StoreApi<ServersState>;
  libraries: StoreApi<LibrariesState>;
  schedules: StoreApi<SchedulesState>;
  errors: StoreApi<ErrorsState>;
  activity: StoreApi<ActivityState>;
  items: StoreApi<ItemsState>;
  settings: StoreApi<SettingsState>;
}

export function createAppStores(api: RetroVueApi, initialRoute: Route = 'libraries'): AppStores {
  return {
    api,
    ui: createUiStore(initialRoute),
    session: createSessionStore(api),
    login: createLoginStore(api),
    servers: createServersStore(api),
    libraries: createLibrariesStore(api),
    schedules: createSchedulesStore(api),
    errors: createErrorsStore(api),
    activity: createActivityStore(api),
    items: createItemsStore(api),
    settings: createSettingsStore(api),
  };
}

export const StoresContext = createContext<AppStores | null>(null);

export function useStores(): AppStores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside StoresContext');
  return stores;
}

type Selector<S, T> = (state: S) => T;
const make =
  <K extends Exclude<keyof AppStores, 'api'>>(key: K) =>
  <T>(selector: Selector<ReturnType<AppStores[K]['getState']>, T>): T =>
    useStore(useStores()[key] as StoreApi<ReturnType<AppStores[K]['getState']>>, selector);

export const useUi = make('ui');
export const useSession = make('session');
export const useLogin = make('login');
export const useServers = make('servers');
export const useLibraries = make('libraries');
export const useSchedules = make('schedules');
export const useErrors = make('errors');
export const useActivity = make('activity');
export const useItems = make('items');
export const useSettings = make('settings');
