// Picks the transport: the Electron preload's `window.retrovue`, else the `retrovue serve` websocket.
import type { RetroVueApi } from '../../src-shared/ipc/contract';
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

export function selectBridge(): SelectedBridge {
  if (window.retrovue) return { api: window.retrovue, shell: 'electron' };
  const bridge = new WebBridge({ url: webSocketUrl(window.location, takeAccessToken()) });
  return { api: bridge, shell: 'web', onStatus: (listener) => bridge.onStatus(listener) };
}
