// Synced items: search and one item's detail.
import type { ApiHandlers } from '../../../src-shared/ipc/contract';
import { itemHistory } from '../store/repositories/history-repository';
import { getItemDetail, searchItems } from '../store/repositories/item-query-repository';
import { NotFoundError, type ApiContext } from './context';

type ItemHandlers = Pick<ApiHandlers, 'items:search' | 'items:get' | 'items:history'>;

export function itemHandlers(ctx: { store: ApiContext['store'] }): ItemHandlers {
  const db = ctx.store.db;
  return {
    'items:search': (search) => searchItems(db, search),
    'items:get': ({ kind, id }) => {
      const detail = getItemDetail(db, kind, id);
      if (!detail) throw new NotFoundError(`${kind} ${id}`);
      const history = itemHistory(ctx.store, kind, id, 20).map(
        ({ field, oldValue, newValue, runId, changedAt }) => ({
          field,
          oldValue,
          newValue,
          runId,
          changedAt,
        }),
      );
      return { ...detail, history };
    },
    'items:history': ({ kind, id }) =>
      itemHistory(ctx.store, kind, id).map(
        ({ id: entryId, runId, field, oldValue, newValue, changedAt }) => ({
          id: entryId,
          runId,
          field,
          oldValue,
          newValue,
          changedAt,
        }),
      ),
  };
}
