// better-sqlite3 for Electron's ABI: built into dist/native from a staging copy (node_modules keeps
// the Node build), cached per version, handed to the core as `nativeBinding`, and passed by the
// launcher to Electron in RETROVUE_SQLITE_BINDING.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ensureElectronSqlite,
  moduleAbi,
  NativeBuildError,
  planElectronSqlite,
  type ElectronSqliteOptions,
  type RebuildStep,
} from '../../src-main/app/build/electron-native';
import { launchElectron } from '../../src-main/app/launch';
import { locateElectronBinding, SQLITE_BINDING_ENV } from '../../src-main/app/native-binding';
import { openStore } from '../../src-main/core/store/database';
import { MIGRATIONS, tempDir } from '../helpers/temp';
import { compileStep, fakeProject, NODE_BUILD_BYTES, type RecordedStep } from './native-fixtures';

const ROOT = join(__dirname, '..', '..');
const NODE_ABI_BINARY = join(
  ROOT,
  'node_modules',
  'better-sqlite3',
  'build',
  'Release',
  'better_sqlite3.node',
);
const V = '38.8.6';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function temp(prefix: string): string {
  const t = tempDir(prefix);
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('Electron native build of better-sqlite3', () => {
  it('plans a staging copy under dist/native and @electron/rebuild for just better-sqlite3', () => {
    const plan = planElectronSqlite({ projectDir: ROOT, electronVersion: V, platform: 'linux', arch: 'x64' });
    const out = join(ROOT, 'dist', 'native', `electron-${V}-linux-x64`);
    const installed = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'),
    ) as { version: string };
    expect(plan).toMatchObject({
      moduleVersion: installed.version,
      source: join(ROOT, 'node_modules', 'better-sqlite3'),
      outDir: out,
      binding: join(out, 'better_sqlite3.node'),
      staging: join(out, 'staging'),
      stagedBinary: join(
        out,
        'staging',
        'node_modules',
        'better-sqlite3',
        'build',
        'Release',
        'better_sqlite3.node',
      ),
    });
    expect(plan.rebuild).toEqual({
      buildPath: join(out, 'staging'),
      projectRootPath: join(out, 'staging'),
      electronVersion: V,
      arch: 'x64',
      platform: 'linux',
      onlyModules: ['better-sqlite3'],
      force: true,
    });
  });

  it('builds from a copy without the Node build, keeps only the .node, and leaves node_modules alone', async () => {
    const { projectDir, moduleDir } = fakeProject(temp('retrovue-native-'));
    const calls: RecordedStep[] = [];
    const options: ElectronSqliteOptions = {
      projectDir,
      electronVersion: V,
      platform: 'linux',
      arch: 'x64',
      rebuild: compileStep(calls),
    };
    expect(planElectronSqlite(options).cached).toBe(false);

    const first = await ensureElectronSqlite(options);
    const plan = planElectronSqlite(options);
    expect(first).toEqual({ binding: plan.binding, built: true });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.step).toEqual(plan.rebuild);
    expect(calls[0]!.staged).toEqual({
      hasNodeBuild: false,
      hasSources: true,
      packageJson: {
        name: 'retrovue-native-staging',
        private: true,
        dependencies: { 'better-sqlite3': '12.0.0' },
      },
    });
    expect(readFileSync(plan.binding, 'utf8')).toBe(`electron build for ${V}`);
    expect(JSON.parse(readFileSync(plan.stampFile, 'utf8'))).toEqual({
      module: 'better-sqlite3',
      moduleVersion: '12.0.0',
      electronVersion: V,
      platform: 'linux',
      arch: 'x64',
    });
    // Only the binding and its stamp stay; the staging copy is gone, node_modules is as it was.
    expect(readdirSync(plan.outDir).sort()).toEqual(['better_sqlite3.node', 'build.json']);
    expect(readFileSync(join(moduleDir, 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe(
      NODE_BUILD_BYTES,
    );

    // Cache hit: nothing rebuilt.
    expect(planElectronSqlite(options).cached).toBe(true);
    expect(await ensureElectronSqlite(options)).toEqual({ binding: plan.binding, built: false });
    expect(calls).toHaveLength(1);

    // Another Electron version is another folder; a new better-sqlite3 rebuilds the same one.
    const other = await ensureElectronSqlite({ ...options, electronVersion: '39.0.0' });
    expect(other.binding).toBe(
      join(projectDir, 'dist', 'native', 'electron-39.0.0-linux-x64', 'better_sqlite3.node'),
    );
    writeFileSync(
      join(moduleDir, 'package.json'),
      JSON.stringify({ name: 'better-sqlite3', version: '12.1.0' }),
    );
    expect(planElectronSqlite(options).cached).toBe(false);
    expect(await ensureElectronSqlite(options)).toEqual({ binding: plan.binding, built: true });
    expect(calls.map((c) => c.step.electronVersion)).toEqual([V, '39.0.0', V]);
  });

  it('a failed build says what happened and what to do, and leaves nothing half-built', async () => {
    const { projectDir } = fakeProject(temp('retrovue-native-fail-'));
    const options: ElectronSqliteOptions = {
      projectDir,
      electronVersion: V,
      platform: 'linux',
      arch: 'x64',
      rebuild: async () => {
        throw new Error('getaddrinfo ENOTFOUND electronjs.org');
      },
    };
    const failure = await ensureElectronSqlite(options).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(NativeBuildError);
    expect((failure as Error).message).toContain(
      `could not build better-sqlite3 for Electron ${V} (linux-x64): getaddrinfo ENOTFOUND electronjs.org`,
    );
    expect((failure as Error).message).toContain('retrovue serve');
    const plan = planElectronSqlite(options);
    expect(existsSync(plan.staging)).toBe(false);
    expect(existsSync(plan.binding)).toBe(false);

    // A compile step that "succeeds" without output is a failure too.
    const silent = await ensureElectronSqlite({ ...options, rebuild: async () => undefined }).catch(
      (err: unknown) => err,
    );
    expect((silent as Error).message).toContain('the build left no');
    expect(existsSync(plan.binding)).toBe(false);
  });

  it('refuses a build for the wrong ABI (node-gyp pointed at Node’s headers by a nodedir setting)', async () => {
    // The real Node build registers under this process's NODE_MODULE_VERSION.
    expect(moduleAbi(readFileSync(NODE_ABI_BINARY))).toBe(process.versions.modules);
    const { projectDir } = fakeProject(temp('retrovue-native-abi-'));
    const writing = (abi: string) => async (step: RebuildStep) => {
      const out = join(step.buildPath, 'node_modules', 'better-sqlite3', 'build', 'Release');
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'better_sqlite3.node'), `\0ELF...node_register_module_v${abi}\0...`);
    };
    const options: ElectronSqliteOptions = {
      projectDir,
      electronVersion: V,
      platform: 'linux',
      arch: 'x64',
      electronAbi: () => '139',
    };
    const wrong = await ensureElectronSqlite({ ...options, rebuild: writing('115') }).catch(
      (err: unknown) => err,
    );
    expect(wrong).toBeInstanceOf(NativeBuildError);
    expect((wrong as Error).message).toContain(
      "the build is for NODE_MODULE_VERSION 115, not Electron's 139",
    );
    expect(existsSync(planElectronSqlite(options).binding)).toBe(false);
    expect(await ensureElectronSqlite({ ...options, rebuild: writing('139') })).toMatchObject({
      built: true,
    });
  });

  it('openStore loads the compiled module it is given instead of the default one', () => {
    const dir = temp('retrovue-binding-');
    const store = openStore(join(dir, 'a.db'), {
      migrationsFolder: MIGRATIONS,
      nativeBinding: NODE_ABI_BINARY,
    });
    try {
      expect(store.sqlite.prepare('select count(*) as n from servers').get()).toEqual({ n: 0 });
    } finally {
      store.close();
    }
    // A path that is not a module fails at open: the option is really used.
    expect(() =>
      openStore(join(dir, 'b.db'), {
        migrationsFolder: MIGRATIONS,
        nativeBinding: join(dir, 'missing.node'),
      }),
    ).toThrow(/missing\.node/);
  });

  it('the Electron main takes the launcher’s binding, the packaged one, or one built in this checkout', () => {
    const dir = temp('retrovue-locate-');
    const base = { platform: 'linux' as const, arch: 'x64', electronVersion: V, projectDir: dir };
    expect(
      locateElectronBinding({ ...base, env: { [SQLITE_BINDING_ENV]: '/x/b.node' }, packagedResources: null }),
    ).toBe('/x/b.node');
    expect(locateElectronBinding({ ...base, env: {}, packagedResources: '/opt/RetroVue/resources' })).toBe(
      `/opt/RetroVue/resources/app.asar.unpacked/dist/native/electron-${V}-linux-x64/better_sqlite3.node`,
    );
    expect(locateElectronBinding({ ...base, env: {}, packagedResources: null })).toBeNull();
    // Plain Node (tests): only the variable counts.
    expect(
      locateElectronBinding({ ...base, electronVersion: undefined, env: {}, packagedResources: '/r' }),
    ).toBeNull();
  });
});

describe('launcher with an Electron binary', () => {
  /** A stand-in Electron: writes its arguments and environment to a file and exits. */
  function standInElectron(dir: string): { binary: string; record: string } {
    const record = join(dir, 'electron-ran.json');
    const script = join(dir, 'stand-in.js');
    writeFileSync(
      script,
      `require('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: process.argv.slice(2), env: process.env }));\n`,
    );
    const binary = join(dir, 'electron');
    writeFileSync(
      binary,
      `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} "$@"\n`,
    );
    chmodSync(binary, 0o755);
    return { binary, record };
  }

  it('builds the binding first and passes its path to Electron in RETROVUE_SQLITE_BINDING', async () => {
    const dir = temp('retrovue-launch-electron-');
    const { projectDir } = fakeProject(join(dir, 'checkout'));
    const { binary, record } = standInElectron(dir);
    const calls: RecordedStep[] = [];
    const lines: string[] = [];
    const stderr = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk) => (lines.push(String(chunk)), true));
    const code = await launchElectron({
      binary,
      args: ['--hidden'],
      projectDir,
      electronVersion: V,
      mainScript: join(projectDir, 'dist', 'main', 'main.js'),
      env: { PATH: process.env.PATH, ELECTRON_RUN_AS_NODE: '1' },
      ensureBinding: (o) => ensureElectronSqlite({ ...o, rebuild: compileStep(calls) }),
    });
    stderr.mockRestore();
    expect(code).toBe(0);
    const ran = JSON.parse(readFileSync(record, 'utf8')) as { args: string[]; env: Record<string, string> };
    const binding = join(
      projectDir,
      'dist',
      'native',
      `electron-${V}-${process.platform}-${process.arch}`,
      'better_sqlite3.node',
    );
    expect(ran.args).toEqual([join(projectDir, 'dist', 'main', 'main.js'), '--hidden']);
    expect(ran.env[SQLITE_BINDING_ENV]).toBe(binding);
    expect(ran.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(readFileSync(binding, 'utf8')).toBe(`electron build for ${V}`);
    expect(calls).toHaveLength(1);
    expect(lines).toContain(
      `RetroVue: building better-sqlite3 12.0.0 for Electron ${V} (${process.platform}-${process.arch}); once per Electron version, it takes a minute or two\n`,
    );

    // The second start reuses the build.
    const mtime = statSync(binding).mtimeMs;
    expect(
      await launchElectron({
        binary,
        args: [],
        projectDir,
        electronVersion: V,
        env: {},
        ensureBinding: (o) => ensureElectronSqlite({ ...o, rebuild: compileStep(calls) }),
      }),
    ).toBe(0);
    expect(calls).toHaveLength(1);
    expect(statSync(binding).mtimeMs).toBe(mtime);
  });

  it('does not start Electron when the binding cannot be built, and says why in one line', async () => {
    const dir = temp('retrovue-launch-nobuild-');
    const { projectDir } = fakeProject(join(dir, 'checkout'));
    const { binary, record } = standInElectron(dir);
    const lines: string[] = [];
    const stderr = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk) => (lines.push(String(chunk)), true));
    const code = await launchElectron({
      binary,
      args: [],
      projectDir,
      electronVersion: V,
      env: {},
      ensureBinding: (o) =>
        ensureElectronSqlite({
          ...o,
          rebuild: async () => {
            throw new Error('connect ENETUNREACH electronjs.org');
          },
        }),
    });
    stderr.mockRestore();
    expect(code).toBe(1);
    expect(existsSync(record)).toBe(false);
    const failure = lines.find((l) => l.includes('could not build'));
    expect(failure).toMatch(
      /^RetroVue: could not build better-sqlite3 for Electron 38\.8\.6 .*ENETUNREACH.*\n$/,
    );
    expect(failure!.trim().split('\n')).toHaveLength(1);
  });
});
