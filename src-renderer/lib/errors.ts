import { ApiCallError } from '../../src-shared/ipc/contract';

/** One readable line for an API failure, with field issues when validation rejected the request. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiCallError) {
    const issues = error.issues?.length
      ? ` (${error.issues.map((i) => `${i.path || 'value'}: ${i.message}`).join('; ')})`
      : '';
    return error.issues?.length
      ? `${error.message.split(': invalid argument')[0] ?? error.message}: invalid input${issues}`
      : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
