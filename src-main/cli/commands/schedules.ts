// `retrovue schedules`: what the Schedules page shows (when each library refreshes and deep-scans,
// the next runs with their jitter, the last run) and its edits, through the same API handlers. A
// cron that does not work is told in the page's words.
import type { Command } from 'commander';
import { cronProblem, jitterWords } from '../../../src-shared/cron-words';
import { OPERATIONS, type Operation } from '../../../src-shared/domain';
import type { ScheduleExtrasView, ScheduleView } from '../../../src-shared/ipc/contract';
import { statusHandlers } from '../../core/api/status-handlers';
import { syncHandlers } from '../../core/api/sync';
import type { CoreServices } from '../../core/core-services';
import { RetroVueError, UserError } from '../../core/errors/errors';
import { listLibraries } from '../../core/store/repositories/library-repository';
import type { CliContext } from '../context';
import { parseServerId, resolveLibrary } from '../library-target';
import { emit, table } from '../output';

const LIBRARY_OPERATIONS: Operation[] = ['refresh', 'deep_scan'];
const DATABASE_OPERATIONS: Operation[] = ['cleanup', 'maintenance'];

interface ScheduleLine extends ScheduleView {
  /** The Plex section key of the schedule's library, to name it in `schedules set`. */
  libraryKey: string | null;
  jitterSeconds: number;
  lastRun: ScheduleExtrasView['lastRun'];
}

function handlers(core: CoreServices) {
  return {
    ...syncHandlers({ sync: core.sync, actor: core.actor, store: core.store }),
    ...statusHandlers({ store: core.store, config: core.configStore }),
  };
}

/**
 * The schedules with what the page shows beside them. A library selected outside the app (say by
 * `retrovue sync`) gets its default schedules first, as the service would when it starts.
 */
async function scheduleLines(core: CoreServices): Promise<ScheduleLine[]> {
  core.sync.reload();
  const h = handlers(core);
  const [schedules, extras] = await Promise.all([
    h['schedules:list'](undefined),
    h['schedules:extras'](undefined),
  ]);
  const byId = new Map(extras.map((e) => [e.id, e]));
  const keys = new Map(listLibraries(core.store.db).map((l) => [l.id, l.plexKey]));
  return schedules.map((s) => ({
    ...s,
    libraryKey: s.libraryId !== null ? (keys.get(s.libraryId) ?? null) : null,
    jitterSeconds: byId.get(s.id)?.jitterSeconds ?? 0,
    lastRun: byId.get(s.id)?.lastRun ?? null,
  }));
}

// Not date-fns: every CLI process loads each command's imports, and date-fns costs a `retrovue sync`
// about 12 MB of RSS (25 MB at its peak, measured) for one fixed format.
const pad = (n: number) => String(n).padStart(2, '0');
function at(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const operationWords = (o: Operation) => o.replace('_', ' ');

function nextRunText(s: ScheduleLine): string {
  if (!s.enabled) return 'paused';
  const next = s.nextRuns[0];
  if (next === undefined) return '-';
  const jitter = jitterWords(s.jitterSeconds);
  return jitter ? `${at(next)} (${jitter})` : at(next);
}

function lastRunText(s: ScheduleLine): string {
  if (s.lastRun) return `${at(s.lastRun.finishedAt)} ${s.lastRun.status}`;
  if (s.lastRunAt !== null) return `${at(s.lastRunAt)} ${s.lastStatus ?? ''}`.trim();
  return 'never';
}

function renderSchedules(lines: ScheduleLine[]): string {
  if (lines.length === 0)
    return 'no schedules yet: choose libraries with `retrovue libraries --select KEY` first';
  return table([
    ['library', 'key', 'operation', 'when', 'cron', 'next run', 'last run'],
    ...lines.map((s) => [
      s.libraryTitle ?? 'all libraries',
      s.libraryKey ?? 'all',
      operationWords(s.operation),
      s.description,
      s.cron,
      nextRunText(s),
      lastRunText(s),
    ]),
  ]);
}

interface SetFlags {
  server?: string;
  operation?: string;
  cron?: string;
  enable?: boolean;
  disable?: boolean;
}

function parseOperation(value: string | undefined, database: boolean): Operation {
  const allowed = database ? DATABASE_OPERATIONS : LIBRARY_OPERATIONS;
  if (value === undefined) {
    if (!database) return 'refresh';
    throw new UserError(
      'the schedules for all libraries are cleanup and maintenance: add --operation cleanup or --operation maintenance',
    );
  }
  const op = value.replace('-', '_') as Operation;
  if (!OPERATIONS.includes(op) || !allowed.includes(op)) {
    throw new UserError(
      `--operation for ${database ? 'all libraries' : 'a library'} is ${allowed.map(operationWords).join(' or ')}, got ${value}`,
    );
  }
  return op;
}

export function registerSchedules(program: Command, ctx: () => CliContext): void {
  const schedules = program
    .command('schedules')
    .description('when each library refreshes and deep-scans: next runs with their jitter, last run')
    .action(async () => {
      const c = ctx();
      const core = c.services();
      try {
        const lines = await scheduleLines(core);
        emit(c, { ok: true, schedules: lines }, (v) => renderSchedules(v.schedules));
      } finally {
        core.close();
      }
    });

  schedules
    .command('set <library>')
    .description(
      'change a schedule: <library> is a key or title from `retrovue libraries`, or "all" for cleanup and maintenance',
    )
    .option('--server <id>', 'the library is on this server (when several have one of that name)')
    .option('--operation <op>', 'refresh (default) or deep_scan; cleanup or maintenance with "all"')
    .option('--cron <expression>', 'when to run, five parts: minute hour day month weekday ("0 3 * * *")')
    .option('--enable', 'run this schedule', false)
    .option('--disable', 'pause this schedule (runs you start still work)', false)
    .action(async (target: string, flags: SetFlags) => {
      const c = ctx();
      if (flags.enable && flags.disable) throw new UserError('give --enable or --disable, not both');
      if (flags.cron === undefined && !flags.enable && !flags.disable)
        throw new UserError('nothing to change: give --cron "0 3 * * *", --enable or --disable');
      if (flags.cron !== undefined && !flags.cron.trim())
        throw new UserError(cronProblem('', ''), 'INVALID_CRON');
      const serverId = parseServerId(flags.server);
      const database = target.trim().toLowerCase() === 'all';
      const operation = parseOperation(flags.operation, database);
      const core = c.services();
      try {
        const library = database ? null : resolveLibrary(core.store.db, target, serverId);
        const lines = await scheduleLines(core);
        const line = lines.find((s) => s.libraryId === (library?.id ?? null) && s.operation === operation);
        if (!line) {
          throw new UserError(
            library && !library.selected
              ? `${library.title} is not synced, so it has no schedule: choose it first with \`retrovue libraries --select ${library.plexKey}\``
              : `no ${operationWords(operation)} schedule for ${library?.title ?? 'all libraries'}`,
          );
        }
        let updated: ScheduleView;
        try {
          updated = await handlers(core)['schedules:update']({
            id: line.id,
            ...(flags.cron !== undefined ? { cron: flags.cron } : {}),
            ...(flags.enable || flags.disable ? { enabled: Boolean(flags.enable) } : {}),
          });
        } catch (err) {
          // The page's words for what is wrong with the expression, not croner's.
          if (err instanceof RetroVueError && err.code === 'INVALID_CRON')
            throw new UserError(cronProblem(flags.cron ?? '', err.message), 'INVALID_CRON');
          throw err;
        }
        const result: ScheduleLine = { ...line, ...updated };
        emit(
          c,
          { ok: true, schedule: result },
          (v) =>
            `${v.schedule.libraryTitle ?? 'all libraries'} ${operationWords(v.schedule.operation)}: ${v.schedule.description} (cron ${v.schedule.cron}), next run ${nextRunText(v.schedule)}` +
            (library && !library.selected
              ? `\n${library.title} is not synced, so this waits until you choose it with \`retrovue libraries --select ${library.plexKey}\``
              : ''),
        );
      } finally {
        core.close();
      }
    });
}
