import { ApiCallError } from '../../src-shared/ipc/contract';

/** One readable line for a failure; an ApiCallError's message already names the fields at fault. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiCallError || error instanceof Error) return error.message;
  return String(error);
}
