import type { Command } from 'commander';
import type { ConfigStore } from '../../core/config/config-store';
import { envName } from '../../core/config/env-overrides';
import type { ConfigIssue } from '../../core/config/issues';
import { ConfigError } from '../../core/errors/errors';
import { recordAudit } from '../../core/store/repositories/audit-repository';
import type { Config } from '../../../src-shared/config-schema';
import type { CliContext } from '../context';
import { emit, table } from '../output';

type Source = 'default' | 'file' | 'env';

function sourceOf(store: ConfigStore, key: string): Source {
  if (store.overriddenKeys.includes(key)) return 'env';
  return key in store.fileSettings ? 'file' : 'default';
}

/** "3" -> 3, "true" -> true, '[{"from":...}]' -> array; anything else stays text. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function issueLines(issues: readonly ConfigIssue[]): string[] {
  return issues.map((i) => `problem (${i.source}) ${i.key}: ${i.reason}`);
}

function audit(c: CliContext, details: Record<string, unknown>): void {
  const core = c.services();
  try {
    recordAudit(core.store.db, { actor: 'cli', action: 'config_changed', details });
  } finally {
    core.close();
  }
}

export function registerConfig(program: Command, ctx: () => CliContext): void {
  const config = program
    .command('config')
    .description('show and change settings (config.json in the data folder)');

  config
    .command('show', { isDefault: true })
    .description('every setting with its value and where it comes from')
    .action(() => {
      const c = ctx();
      const store = c.services().configStore;
      const settings = Object.entries(store.config).map(([key, value]) => ({
        key,
        value,
        source: sourceOf(store, key),
      }));
      emit(c, { ok: store.issues.length === 0, path: store.path, settings, issues: store.issues }, (v) =>
        [
          `file: ${v.path}`,
          table([
            ['setting', 'value', 'from'],
            ...v.settings.map((s) => [s.key, show(s.value), s.source === 'env' ? envName(s.key) : s.source]),
          ]),
          ...issueLines(v.issues),
        ].join('\n'),
      );
      if (store.issues.length > 0) process.exitCode = 1;
    });

  config
    .command('get <key>')
    .description('one setting')
    .action((key: string) => {
      const c = ctx();
      const store = c.services().configStore;
      if (!(key in store.config)) throw new ConfigError(key, 'unknown setting');
      const value = store.config[key as keyof Config];
      emit(c, { ok: true, key, value, source: sourceOf(store, key) }, (v) => show(v.value));
    });

  config
    .command('set <key> <value>')
    .description('change a setting (validated; applied by a running app without restart)')
    .action(async (key: string, text: string) => {
      const c = ctx();
      const store = c.services().configStore;
      const result = await store.update({ [key]: parseValue(text) });
      audit(c, { keys: [key], changed: result.changed });
      emit(
        c,
        {
          ok: true,
          key,
          value: store.fileSettings[key],
          changed: result.changed,
          shadowedByEnv: result.shadowedByEnv,
        },
        (v) =>
          [
            `${v.key} = ${show(v.value)}`,
            ...v.shadowedByEnv.map((k) => `note: ${envName(k)} is set and still overrides ${k}`),
          ].join('\n'),
      );
    });

  config
    .command('unset <key>')
    .description('return a setting to its default')
    .action(async (key: string) => {
      const c = ctx();
      const store = c.services().configStore;
      if (!(key in store.config)) throw new ConfigError(key, 'unknown setting');
      const result = await store.update({ [key]: null });
      audit(c, { keys: [key], reset: true, changed: result.changed });
      emit(
        c,
        { ok: true, key, value: store.config[key as keyof Config] },
        (v) => `${v.key} = ${show(v.value)} (default)`,
      );
    });

  config
    .command('path')
    .description('where config.json is')
    .action(() => {
      const c = ctx();
      const store = c.services().configStore;
      emit(c, { ok: true, path: store.path }, (v) => v.path);
    });
}
