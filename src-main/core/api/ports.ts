// Server discovery as the API uses it; app-core.ts builds it from src-main/core/discovery.
import type { ServerRow } from '../store/repositories/server-repository';

export interface ServerDirectory {
  /** The servers of the signed-in account from plex.tv, each with a working connection picked. */
  refresh(signal?: AbortSignal): Promise<ServerRow[]>;
  /** A server reached by URL and token (no account needed); its token goes to the vault. */
  addManual(url: string, token: string, signal?: AbortSignal): Promise<ServerRow>;
  /** Reads the server's movie and show sections into the libraries table. */
  refreshLibraries(serverId: number, signal?: AbortSignal): Promise<void>;
}
