// `npm run demo`: the fake Plex with a demo library, then the app configured against it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { printBanner } from './cli';
import { startFakePlex } from './index';

const ROOT = resolve(__dirname, '..', '..');
const LAUNCHER = join(ROOT, 'dist', 'main', 'launch.js');

async function main(): Promise<void> {
  const started = performance.now();
  const fake = await startFakePlex({
    seed: 2024,
    movies: 400,
    shows: 60,
    episodes: 1500,
    latencyMs: 15,
    gdm: true,
    sharedServer: true,
    pinMinPollIntervalMs: 500,
  });
  printBanner(fake, performance.now() - started);

  if (!existsSync(LAUNCHER)) {
    await fake.stop();
    throw new Error(`${LAUNCHER} is missing: run \`npm run build\` first`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'retrovue-demo-'));
  console.log(`  data dir   ${dataDir}`);
  console.log('Starting RetroVue… (Ctrl-C stops both)');
  const child = spawn(process.execPath, [LAUNCHER], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      RETROVUE_PLEX_TV_URL: fake.plexTvUrl,
      RETROVUE_PLEX_AUTH_APP_URL: `${fake.plexTvUrl}/auth`,
      // Discovery asks the fake's loopback GDM responder, never the 239.0.0.250 multicast group.
      RETROVUE_GDM_ADDRESS: '127.0.0.1',
      RETROVUE_GDM_PORT: String(fake.gdmPort),
      RETROVUE_DEMO_SERVER_URL: fake.pmsUrl,
      RETROVUE_DEMO_TOKEN: fake.token,
      RETROVUE_DATA_DIR: dataDir,
    },
  });

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await fake.stop();
    process.exit(code);
  };
  child.on('exit', (code, signal) => {
    console.log(`RetroVue exited (${signal ?? code ?? 0}); stopping the fake Plex.`);
    void shutdown(code ?? 0);
  });
  child.on('error', (err) => {
    console.error(`could not start RetroVue: ${err.message}`);
    void shutdown(1);
  });
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(signal);
    else void shutdown(0);
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
