// Settings: read them, change them (validated, audited by key).
import type { Config } from '../../../src-shared/config-schema';
import type { ApiHandlers } from '../../../src-shared/ipc/contract';
import { recordAudit } from '../store/repositories/audit-repository';
import type { ApiContext } from './context';

type ConfigHandlers = Pick<ApiHandlers, 'config:get' | 'config:update'>;

export function configHandlers(
  ctx: Pick<ApiContext, 'config' | 'actor'> & { store: Pick<ApiContext['store'], 'db'> },
): ConfigHandlers {
  return {
    'config:get': () => ctx.config.config,
    'config:update': async (patch): Promise<Config> => {
      const result = await ctx.config.update(patch);
      // Keys only, as `retrovue config set` records them: values stay in config.json.
      recordAudit(ctx.store.db, {
        actor: ctx.actor,
        action: 'config_changed',
        details: { keys: Object.keys(patch), changed: result.changed },
      });
      return result.config;
    },
  };
}
