// What to do about a failure, decided by its class. The sync engine asks `planRecovery(err)` after
// withRetry has given up (or declined to retry) and carries out `action`.
import type { ErrorClass } from '../../../src-shared/domain';
import { classifyError, type Classification } from './classify';

export type RecoveryAction =
  /** Nothing failed: the work was cancelled (pause, shutdown). Leave state for a resume. */
  | 'cancelled'
  /** Server unreachable or failing after retries: end this run, count it against the server. */
  | 'stop_run'
  /** Token rejected: mark the account/server as needing login and stop its runs. */
  | 'relogin'
  /** This item cannot be fetched or parsed: mark it `error` (or gone), carry on with the rest. */
  | 'skip_item'
  /** The file is not reachable from this machine: mark the item unavailable, carry on. */
  | 'mark_unavailable'
  /** A bug, not a condition: stop and report it. */
  | 'fail';

export interface RecoveryPlan {
  action: RecoveryAction;
  classification: Classification;
  /** Whether withRetry should have retried it first (informational for logs and the UI). */
  retried: boolean;
  /** One line for the UI: why the action was chosen. */
  reason: string;
}

export const RECOVERY_BY_CLASS: Record<ErrorClass, { action: RecoveryAction; reason: string }> = {
  network: { action: 'stop_run', reason: 'server unreachable after retries' },
  timeout: { action: 'stop_run', reason: 'server too slow after retries' },
  auth: { action: 'relogin', reason: 'token rejected; sign in again' },
  not_found: { action: 'skip_item', reason: 'item no longer on the server' },
  data: { action: 'skip_item', reason: 'payload not usable; item kept as it was' },
  file_system: { action: 'mark_unavailable', reason: 'file not reachable from this machine' },
  database: { action: 'stop_run', reason: 'database write failed; run rolled back' },
};

export function planRecovery(error: unknown): RecoveryPlan {
  const classification = classifyError(error);
  if (classification.cancelled) {
    return { action: 'cancelled', classification, retried: false, reason: 'cancelled' };
  }
  if (classification.errorClass === null) {
    return { action: 'fail', classification, retried: false, reason: 'unexpected error' };
  }
  const { action, reason } = RECOVERY_BY_CLASS[classification.errorClass];
  return { action, classification, retried: classification.retryable, reason };
}
