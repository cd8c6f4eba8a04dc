// The core API: every channel of the contract, one module per domain, over the core modules.
// Arguments arrive already validated (dispatch.ts); what goes back is built from allow-listed
// views, never a token.
import type { ApiHandlers } from '../../../src-shared/ipc/contract';
import { accountHandlers } from './account';
import { appHandlers } from './app';
import { configHandlers } from './config';
import { deletionHandlers } from './deletions';
import type { ApiContext } from './context';
import { errorHandlers } from './errors';
import { itemHandlers } from './items';
import { libraryHandlers } from './libraries';
import { serverHandlers } from './servers';
import { statusHandlers } from './status-handlers';
import { recordFailuresBeforeRun } from './status-view';
import { syncHandlers } from './sync';

export { NotFoundError, type ApiContext } from './context';

export function createApiHandlers(ctx: ApiContext): ApiHandlers {
  recordFailuresBeforeRun(ctx.store.db, ctx.sync);
  return {
    ...appHandlers(ctx),
    ...accountHandlers(ctx),
    ...serverHandlers(ctx),
    ...libraryHandlers(ctx),
    ...syncHandlers(ctx),
    ...deletionHandlers(ctx),
    ...errorHandlers(ctx),
    ...itemHandlers(ctx),
    ...configHandlers(ctx),
    ...statusHandlers(ctx),
  };
}
