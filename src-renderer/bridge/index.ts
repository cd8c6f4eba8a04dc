// Picks the transport: the Electron preload's `window.retrovue`, else the `retrovue serve` websocket.
import { reviveApiError, type RetroVueApi } from '../../src-shared/ipc/contract';
import { takeAccessToken, WebBridge, webSocketUrl, type BridgeStatus } from './web-bridge';

declare global {
  interface Window {
    retrovue?: RetroVueApi;
  }
}

export interface SelectedBridge {
  api: RetroVueApi;
  shell: 'electron' | 'web';
  /** Only the web bridge can drop and reconnect. */
  onStatus?: (listener: (status: BridgeStatus) => void) => () => void;
}

/**
 * The preload rejects with a plain object (an Error loses its fields crossing the context bridge);
 * turned back into an ApiCallError here so views see one error type whatever the shell.
 */
export function withRevivedErrors(preload: RetroVueApi): RetroVueApi {
  return {
    invoke: ((channel: Parameters<RetroVueApi['invoke']>[0], ...request: unknown[]) =>
      (preload.invoke as (c: typeof channel, ...r: unknown[]) => Promise<unknown>)(channel, ...request).catch(
        (error: unknown) => {
          throw reviveApiError(error);
        },
      )) as RetroVueApi['invoke'],
    on: (event, listener) => preload.on(event, listener),
  };
}

export function selectBridge(): SelectedBridge {
  if (window.retrovue) return { api: withRevivedErrors(window.retrovue), shell: 'electron' };
  const bridge = new WebBridge({ url: webSocketUrl(window.location, takeAccessToken()) });
  return { api: bridge, shell: 'web', onStatus: (listener) => bridge.onStatus(listener) };
}
