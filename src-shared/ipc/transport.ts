// The IPC transport: result envelope, error type and channel names. Free of zod and of the
// contract's schemas, so the sandboxed preload can bundle it alone (contract.ts re-exports it).

export interface IpcError {
  code: string;
  message: string;
  /** For validation failures: which argument fields were wrong and why. */
  issues?: { path: string; message: string }[];
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** The Electron channel names the generic invoke/subscribe pair uses. */
export const IPC_INVOKE_CHANNEL = 'retrovue:invoke';
export const IPC_EVENT_CHANNEL = 'retrovue:event';

/** The error `invoke` rejects with: carries the typed IpcError across the bridge. */
export class ApiCallError extends Error {
  readonly code: string;
  readonly issues: IpcError['issues'];
  constructor(error: IpcError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.issues = error.issues;
  }
}

/**
 * An Error crossing Electron's context bridge keeps only its message, so the preload rejects with
 * this plain (clonable) shape instead; `reviveApiError` turns it back into an ApiCallError.
 */
export interface SerializedApiError extends IpcError {
  name: 'ApiCallError';
}

export function serializeApiError(error: IpcError): SerializedApiError {
  return {
    name: 'ApiCallError',
    code: error.code,
    message: error.message,
    ...(error.issues ? { issues: error.issues } : {}),
  };
}

/** An ApiCallError for a serialized one (from the preload); anything else is returned as is. */
export function reviveApiError(err: unknown): unknown {
  if (err instanceof ApiCallError || typeof err !== 'object' || err === null) return err;
  const e = err as Partial<SerializedApiError>;
  if (e.name !== 'ApiCallError' || typeof e.code !== 'string' || typeof e.message !== 'string') return err;
  return new ApiCallError({
    code: e.code,
    message: e.message,
    ...(Array.isArray(e.issues) ? { issues: e.issues } : {}),
  });
}

/** Turns a transport result into a value or an ApiCallError; shared by both bridges. */
export function unwrapResult<T>(result: IpcResult<T>): T {
  if (result.ok) return result.value;
  throw new ApiCallError(result.error);
}
