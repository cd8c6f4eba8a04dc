// How every Plex Media Server client of the product is made: identity, timeout and retries from the
// configuration. The composition root uses it on the main thread, the sync worker in its thread.
import type { Config } from '../../../src-shared/config-schema';
import { retryPolicyFromConfig, type RetryAttemptInfo } from '../errors/retry';
import type { PlexIdentity } from './identity';
import { createServerClient, type ServerClient } from './server-client';

export interface ClientEndpoint {
  baseUrl: string;
  token: string;
}

export function configuredServerClient(
  endpoint: ClientEndpoint,
  identity: PlexIdentity,
  config: Pick<Config, 'api_timeout_seconds' | 'retry_attempts' | 'retry_delay_seconds'>,
  onRetry?: (info: RetryAttemptInfo) => void,
): ServerClient {
  return createServerClient({
    baseUrl: endpoint.baseUrl,
    token: endpoint.token,
    identity,
    timeoutMs: config.api_timeout_seconds * 1000,
    retry: retryPolicyFromConfig(config),
    ...(onRetry ? { onRetry } : {}),
  });
}
