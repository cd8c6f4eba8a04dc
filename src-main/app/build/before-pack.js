// electron-builder beforePack hook: builds better-sqlite3 for the packaged Electron version and
// architecture into dist/native (electron-native.ts, the same builder `npm start` uses), which the
// package ships unpacked beside app.asar. node_modules keeps the Node build, so the CLI and the
// tests still run after packaging. npmRebuild is off: nothing is rebuilt in place.
const { Arch } = require('builder-util');
// The builder is TypeScript; electron-builder runs this hook under plain Node.
const tsx = require('tsx/cjs/api');

function electronVersion(context) {
  const configured = context.packager.config.electronVersion;
  if (configured) return configured;
  return require('electron/package.json').version;
}

/** `rebuild` replaces the compile step (tests); electron-builder passes only the context. */
async function beforePack(context, rebuild) {
  const { ensureElectronSqlite } = tsx.require('./electron-native.ts', `${__dirname}/before-pack.js`);
  const result = await ensureElectronSqlite({
    projectDir: context.packager.projectDir,
    electronVersion: electronVersion(context),
    // A Mac App Store build runs as darwin: name the folder as the packaged app will look for it.
    platform: context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName,
    arch: Arch[context.arch],
    log: (line) => process.stdout.write(`  • ${line}\n`),
    ...(rebuild ? { rebuild } : {}),
  });
  process.stdout.write(
    `  • better-sqlite3 for Electron: ${result.binding}${result.built ? '' : ' (cached)'}\n`,
  );
  return result;
}

exports.beforePack = beforePack;
exports.default = (context) => beforePack(context);
