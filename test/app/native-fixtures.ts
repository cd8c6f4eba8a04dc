// A checkout in a temp folder with just enough of node_modules/better-sqlite3 for the Electron
// native builder, and a compile step that does what node-gyp would: leave a .node in build/Release.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RebuildStep } from '../../src-main/app/build/electron-native';

export const NODE_BUILD_BYTES = 'node-abi build';

export function fakeProject(
  dir: string,
  moduleVersion = '12.0.0',
): { projectDir: string; moduleDir: string } {
  const moduleDir = join(dir, 'node_modules', 'better-sqlite3');
  mkdirSync(join(moduleDir, 'build', 'Release'), { recursive: true });
  mkdirSync(join(moduleDir, 'src'), { recursive: true });
  mkdirSync(join(moduleDir, 'deps'), { recursive: true });
  writeFileSync(
    join(moduleDir, 'package.json'),
    JSON.stringify({ name: 'better-sqlite3', version: moduleVersion }),
  );
  writeFileSync(join(moduleDir, 'binding.gyp'), '{}');
  writeFileSync(join(moduleDir, 'src', 'better_sqlite3.cpp'), '// source');
  writeFileSync(join(moduleDir, 'deps', 'sqlite3.c'), '/* amalgamation */');
  writeFileSync(join(moduleDir, 'build', 'Release', 'better_sqlite3.node'), NODE_BUILD_BYTES);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'checkout' }));
  return { projectDir: dir, moduleDir };
}

export interface RecordedStep {
  step: RebuildStep;
  /** What the staging copy held when the compile step ran. */
  staged: { hasNodeBuild: boolean; hasSources: boolean; packageJson: unknown };
}

/** Records each call and writes `electron build for <version>` where node-gyp puts its output. */
export function compileStep(calls: RecordedStep[]): (step: RebuildStep) => Promise<void> {
  return async (step) => {
    const moduleDir = join(step.buildPath, 'node_modules', 'better-sqlite3');
    calls.push({
      step,
      staged: {
        hasNodeBuild: existsSync(join(moduleDir, 'build')),
        hasSources:
          existsSync(join(moduleDir, 'src', 'better_sqlite3.cpp')) &&
          existsSync(join(moduleDir, 'deps', 'sqlite3.c')),
        packageJson: JSON.parse(readFileSync(join(step.buildPath, 'package.json'), 'utf8')),
      },
    });
    mkdirSync(join(moduleDir, 'build', 'Release'), { recursive: true });
    writeFileSync(
      join(moduleDir, 'build', 'Release', 'better_sqlite3.node'),
      `electron build for ${step.electronVersion}`,
    );
  };
}
