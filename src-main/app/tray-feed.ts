// Keeps the tray's menu current from the core: health, live progress, open problems and the titles
// the last syncs changed. Progress is redrawn at most once a second (menus are rebuilt whole).
import type { AppCore } from '../core/app-core';
import type { SyncProgress } from '../../src-shared/sync-types';
import type { TrayController } from './tray';

const PROGRESS_REDRAW_MS = 1000;

export async function feedTray(core: AppCore, tray: TrayController): Promise<() => void> {
  const h = core.handlers;
  const progress = new Map<number, SyncProgress>();
  let health = await h['health:get'](undefined);
  let redraw: ReturnType<typeof setTimeout> | null = null;
  const counts = async () => ({
    problems: (await h['errors:list']({ includeResolved: false, limit: 1, offset: 0 })).total,
    recentChanges: (await h['status:recentChanges'](undefined)).map((r) => r.title),
  });
  const draw = () => tray.update(health, { progress: [...progress.values()] });
  tray.update(health, { ...(await counts()), progress: [] });
  const offs = [
    core.events.on('health:changed', (next) => {
      health = next;
      draw();
    }),
    core.events.on('service:event', (e) => {
      if (e.type !== 'progress') return;
      const p = e.progress;
      progress.set(p.libraryId, p);
      redraw ??= setTimeout(() => {
        redraw = null;
        draw();
      }, PROGRESS_REDRAW_MS);
    }),
    core.events.on('service:event', (e) => {
      if (e.type !== 'finished' && e.type !== 'failed') return;
      progress.delete(e.type === 'finished' ? e.result.libraryId : e.libraryId);
      void counts().then(
        (c) => tray.update(health, { ...c, progress: [...progress.values()] }),
        () => undefined,
      );
    }),
  ];
  return () => {
    for (const off of offs) off();
    if (redraw) clearTimeout(redraw);
  };
}
