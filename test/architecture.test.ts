import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cruise, type IForbiddenRuleType } from 'dependency-cruiser';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CORE_LAYERS, MAIN_LAYERS, IPC_BELOW_SERVICE, CORE_ALLOWED } = require('./lint/layers') as {
  CORE_LAYERS: (string | string[])[];
  MAIN_LAYERS: (string | string[])[];
  IPC_BELOW_SERVICE: { from: string[]; pattern: string; message: string };
  CORE_ALLOWED: { from: string; to: string; reason: string }[];
};

/** The import rules of eslint.config.js (layering, one runtime per folder), run on the tree itself. */
describe('layering, by the lint rules', () => {
  it('no file in src-main or src-shared breaks the layering or imports across runtimes', async () => {
    const eslint = new ESLint({
      cwd: ROOT,
      ruleFilter: ({ ruleId }) => ruleId.endsWith('/code-layering') || ruleId === 'no-restricted-imports',
    });
    const results = await eslint.lintFiles(['src-main', 'src-shared']);
    const offenders = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath.slice(ROOT.length + 1)}:${m.line} ${m.message}`),
    );
    expect(offenders).toEqual([]);
  });
});

/** dependency-cruiser rules, one per pair of layers that must not meet, from the same list. */
function layerRules(root: string, layers: (string | string[])[]): IForbiddenRuleType[] {
  const tiers = layers.map((l) => [l].flat());
  const path = (names: string[]) => `^${root}/(${names.join('|')})(/|\\.ts$)`;
  return tiers.flatMap((tier, i) => {
    const higher = tiers.slice(i + 1).flat();
    const rules: IForbiddenRuleType[] = [];
    if (higher.length > 0)
      rules.push({
        name: `${root}: ${tier.join('/')} imports a higher layer`,
        severity: 'error',
        from: { path: path(tier) },
        to: { path: path(higher) },
      });
    for (const peer of tier.length > 1 ? tier : [])
      rules.push({
        name: `${root}: ${peer} imports a peer`,
        severity: 'error',
        from: { path: path([peer]) },
        to: { path: path(tier.filter((p) => p !== peer)) },
      });
    return rules;
  });
}

describe('the import graph (dependency-cruiser)', () => {
  it('has no import from a lower layer to a higher one and no circle', async () => {
    const forbidden: IForbiddenRuleType[] = [
      ...layerRules('src-main/core', CORE_LAYERS),
      ...layerRules('src-main', MAIN_LAYERS),
      {
        name: 'IPC contract below the service layer',
        severity: 'error',
        from: { path: `^src-main/core/(${IPC_BELOW_SERVICE.from.join('|')})(/|\\.ts$)` },
        to: { path: IPC_BELOW_SERVICE.pattern },
      },
      { name: 'circular', severity: 'error', from: {}, to: { circular: true } },
    ];
    const result = await cruise(
      ['src-main', 'src-shared'],
      {
        validate: true,
        ruleSet: { forbidden },
        tsPreCompilationDeps: true,
        tsConfig: { fileName: join(ROOT, 'tsconfig.json') },
        doNotFollow: { path: 'node_modules' },
        exclude: { path: '(^|/)(node_modules|dist)/' },
        baseDir: ROOT,
      },
      {},
      { tsConfig: { options: {} } },
    );
    if (typeof result.output === 'string') throw new Error('dependency-cruiser gave text, not a result');
    const graph = result.output;
    // The graph is the real tree: every core folder is in it.
    const cruised = new Set(graph.modules.map((m) => m.source));
    for (const folder of readdirSync(join(ROOT, 'src-main', 'core'))) {
      expect([...cruised].some((s) => s.startsWith(`src-main/core/${folder}`))).toBe(true);
    }
    // The same known exceptions the lint rule lets through (test/lint/layers.js), no others.
    const allowed = (from: string, to: string) =>
      CORE_ALLOWED.some((a) => from === `src-main/core/${a.from}` && to.startsWith(`src-main/core/${a.to}/`));
    const violations = graph.summary.violations
      .filter((v) => !allowed(v.from, v.to))
      .map(
        (v) =>
          `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`,
      );
    expect(violations).toEqual([]);
  });
});

describe('the top level', () => {
  it('holds exactly the agreed folders and files', () => {
    const allowed = new Set([
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'electron-builder.yml',
      'src-main',
      'src-renderer',
      'src-shared',
      'drizzle',
      'test',
      'assets',
      'README.md',
      '.ci',
      'eslint.config.js',
      '.prettierrc.json',
      '.prettierignore',
      '.gitignore',
      '.git',
      // build and install output, never committed
      'node_modules',
      'dist',
      'release',
      'test-artifacts',
      'coverage',
    ]);
    const extra = readdirSync(ROOT).filter((n) => !allowed.has(n));
    expect(extra).toEqual([]);
  });
});
