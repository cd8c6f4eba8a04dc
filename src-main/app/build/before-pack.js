// electron-builder beforePack hook: rebuilds better-sqlite3 for the Electron version and the
// architecture being packaged (npmRebuild is off; doing it here keeps `npm install` fast and the
// Node build of the module intact for the CLI and the tests until someone packages).
// After packaging, `npm rebuild better-sqlite3` restores the Node build for local development.
const { rebuild } = require('@electron/rebuild');
const { Arch } = require('builder-util');

function electronVersion(context) {
  const configured = context.packager.config.electronVersion;
  if (configured) return configured;
  return require('electron/package.json').version;
}

exports.default = async function beforePack(context) {
  const version = electronVersion(context);
  const arch = Arch[context.arch];
  const projectDir = context.packager.projectDir;
  process.stdout.write(`  • rebuilding better-sqlite3 for Electron ${version} (${context.electronPlatformName}-${arch})\n`);
  await rebuild({ buildPath: projectDir, electronVersion: version, arch, onlyModules: ['better-sqlite3'], force: true });
};
