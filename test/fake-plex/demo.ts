// `npm run demo`: the fake Plex with a demo library, then the app (`npm start`'s launcher) against it,
// set up through the app's public API the way a person does it in the wizard: add the server by URL
// and token, refresh its libraries, select them all and start their first sync. Nothing in the app
// knows it is a demo. Everything stays on loopback: plex.tv is the fake's, GDM asks the fake's responder.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { printBanner } from './cli';
import { setUpDemoThroughApi } from './demo-setup';
import { startFakePlex } from './index';

const ROOT = resolve(__dirname, '..', '..');
const LAUNCHER = join(ROOT, 'dist', 'main', 'launch.js');
/** What the headless web mode prints once it serves the UI (src-main/app/launch.ts). */
const WEB_URL = /RetroVue is running at\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)/;

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
    stdio: ['inherit', 'pipe', 'inherit'],
    env: {
      ...process.env,
      RETROVUE_PLEX_TV_URL: fake.plexTvUrl,
      RETROVUE_PLEX_AUTH_APP_URL: `${fake.plexTvUrl}/auth`,
      // Discovery asks the fake's loopback GDM responder, never the 239.0.0.250 multicast group.
      RETROVUE_GDM_ADDRESS: '127.0.0.1',
      RETROVUE_GDM_PORT: String(fake.gdmPort),
      RETROVUE_DATA_DIR: dataDir,
    },
  });

  let output = '';
  let setUp = false;
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (setUp) return;
    output += chunk.toString();
    const url = WEB_URL.exec(output)?.[1];
    if (!url) return;
    setUp = true;
    output = '';
    setUpDemoThroughApi(url, fake).then(
      (done) => {
        if (!done) console.log('demo: the server is already set up in this data dir');
      },
      (err: unknown) =>
        console.error(
          `demo: could not set up the server: ${err instanceof Error ? err.message : String(err)}`,
        ),
    );
  });
  // The desktop window has no API a script can reach: the person adds the server in the wizard.
  const hint = setTimeout(() => {
    if (!setUp)
      console.log(
        `demo: in the setup wizard, sign in with Plex (approve on ${fake.plexTvUrl}/auth) or connect by\n` +
          `      URL ${fake.pmsUrl} with the token above`,
      );
  }, 15_000);

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    clearTimeout(hint);
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
