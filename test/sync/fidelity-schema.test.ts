// The seed's operational tables keep the seed's column names: a database made by the schema before
// this branch's migration is migrated in place, its rows kept, readable under both spellings.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/core/store/database';
import { MIGRATIONS, tempDir } from '../helpers/temp';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** The app's migrations up to (without) this branch's one: what the previous app version shipped. */
function previousMigrations(dir: string): string {
  const out = join(dir, 'previous');
  mkdirSync(join(out, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ idx: number; tag: string }>;
  };
  const upTo = journal.entries.findIndex((e) => e.tag.endsWith('_fidelity'));
  expect(upTo).toBeGreaterThan(0);
  const entries = journal.entries.slice(0, upTo);
  for (const e of entries) copyFileSync(join(MIGRATIONS, `${e.tag}.sql`), join(out, `${e.tag}.sql`));
  writeFileSync(join(out, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return out;
}

describe("the seed's operational column names", () => {
  it('a database of the previous schema migrates with its data, found under the seed names', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const path = join(t.dir, 'old.db');
    const old = openStore(path, { migrationsFolder: previousMigrations(t.dir) });
    const db = old.sqlite;
    db.prepare(
      `insert into sync_services (name, status, config_json, heartbeat_at) values ('retrovue-sync', 'running', '{"a":1}', 1700000000000)`,
    ).run();
    db.prepare(
      `insert into scheduled_operations (operation, cron, parameters_json, enabled, last_run_at, next_run_at)
       values ('cleanup', '0 3 * * *', '{"days":30}', 1, 1700000000000, 1700086400000)`,
    ).run();
    db.prepare(`insert into sync_runs (kind, status) values ('full', 'failed')`).run();
    db.prepare(
      `insert into sync_errors (run_id, error_class, message, context_json, fingerprint, retry_count, occurred_at, resolved_at)
       values (1, 'network', 'server error 503', '{"library":1}', 'fp', 2, 1700000000000, 1700000100000)`,
    ).run();
    db.prepare(
      `insert into sync_metrics (operation, started_at, duration_ms, items_processed, items_skipped, errors)
       values ('refresh', 1700000000000, 2500, 40, 7, 1)`,
    ).run();
    old.close();

    const store = openStore(path, { migrationsFolder: MIGRATIONS });
    cleanups.push(() => store.close());
    expect(store.migration.from).toBeLessThan(store.migration.to);
    const q = (sql: string) => store.sqlite.prepare(sql).get();
    expect(q(`select name, status, last_heartbeat, configuration from sync_services`)).toEqual({
      name: 'retrovue-sync',
      status: 'running',
      last_heartbeat: 1700000000000,
      configuration: '{"a":1}',
    });
    expect(
      q(
        `select operation_type, schedule_cron, parameters, enabled, last_run, next_run from scheduled_operations`,
      ),
    ).toEqual({
      operation_type: 'cleanup',
      schedule_cron: '0 3 * * *',
      parameters: '{"days":30}',
      enabled: 1,
      last_run: 1700000000000,
      next_run: 1700086400000,
    });
    expect(
      q(
        `select operation_id, error_type, error_message, error_context, occurred_at, resolved_at, retry_count from sync_errors`,
      ),
    ).toEqual({
      operation_id: 1,
      error_type: 'network',
      error_message: 'server error 503',
      error_context: '{"library":1}',
      occurred_at: 1700000000000,
      resolved_at: 1700000100000,
      retry_count: 2,
    });
    expect(
      q(
        `select operation_type, duration_ms, items_processed, items_skipped, errors_count, recorded_at from sync_metrics`,
      ),
    ).toEqual({
      operation_type: 'refresh',
      duration_ms: 2500,
      items_processed: 40,
      items_skipped: 7,
      errors_count: 1,
      recorded_at: 1700000002500,
    });
    // Today's code keeps writing today's columns; the seed names follow.
    store.sqlite.prepare(`update sync_services set heartbeat_at = 1800000000000`).run();
    expect(q(`select last_heartbeat from sync_services`)).toEqual({ last_heartbeat: 1800000000000 });
  });
});
