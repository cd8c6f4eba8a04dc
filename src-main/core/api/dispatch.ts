// One request from a renderer, whichever bridge carried it: check the channel, validate the
// argument against the contract, run the handler, and turn any failure into a typed IpcError
// (never a stack, never a secret). The handler is not called when the argument is bad.
import {
  isChannel,
  parseRequest,
  type ApiHandlers,
  type Channel,
  type IpcError,
  type IpcResult,
  type ResponseMap,
} from '../../../src-shared/ipc/contract';
import { describeError, RetroVueError } from '../errors/errors';
import { getLogger } from '../logging/logger';
import { redactValue } from '../logging/redact';

const log = getLogger('api');

export function toIpcError(err: unknown): IpcError {
  if (err instanceof RetroVueError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: describeError(err) };
}

export async function dispatch(
  handlers: ApiHandlers,
  channel: unknown,
  raw: unknown,
): Promise<IpcResult<unknown>> {
  if (!isChannel(channel)) {
    return {
      ok: false,
      error: {
        code: 'UNKNOWN_CHANNEL',
        message: `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}`,
      },
    };
  }
  return invokeChannel(handlers, channel, raw);
}

async function invokeChannel<C extends Channel>(
  handlers: ApiHandlers,
  channel: C,
  raw: unknown,
): Promise<IpcResult<ResponseMap[C]>> {
  const parsed = parseRequest(channel, raw);
  if (!parsed.ok) {
    log.warn('rejected request', { channel, issues: parsed.error.issues });
    return parsed;
  }
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<ResponseMap[C]> | ResponseMap[C];
    const value = await handler(parsed.value);
    return { ok: true, value };
  } catch (err) {
    const error = toIpcError(err);
    if (err instanceof RetroVueError && err.userFacing)
      log.info(`${channel} failed: ${error.message}`, { code: error.code });
    else
      log.error(`${channel} failed`, {
        error: redactValue(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
    return { ok: false, error };
  }
}
