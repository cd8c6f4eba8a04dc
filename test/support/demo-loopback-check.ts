// `npx tsx test/support/demo-loopback-check.ts` (after `npm run build`): `npm run demo` under the
// loopback guard, walked the way a new user walks it. Waits for the demo to add its server through the
// app's API, signs in with a PIN (the fake plex.tv approves it), refreshes the servers as the wizard's
// server step does (plex.tv resources, GDM, the connection race), waits until every selected library
// has synced, stops the demo, and prints every connection it made: exit 1 when anything tried to leave
// 127.0.0.0/8.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectWebApi, type WebApi } from '../helpers/web-api';
import {
  describeEntries,
  GUARD_ALLOWED_LOG_ENV,
  GUARD_SOURCE_ENV,
  guardedEnv,
  readGuardLog,
  readJsonLines,
} from './guard-log';

const ROOT = resolve(__dirname, '..', '..');
const SYNC_TIMEOUT_MS = 240_000;

interface Banner {
  plexTvUrl: string;
  token: string;
  appUrl: string;
}

function readBanner(output: () => string): Banner | null {
  const text = output();
  const plexTvUrl = /^\s+plex\.tv\s+(\S+)/m.exec(text)?.[1];
  const token = /^\s+token\s+(\S+)/m.exec(text)?.[1];
  const appUrl = /RetroVue is running at\s+(http:\/\/\S+)/.exec(text)?.[1];
  return plexTvUrl && token && appUrl ? { plexTvUrl, token, appUrl } : null;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null> | T | null) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The wizard: PIN sign-in (approved on the fake plex.tv), then the server step's refresh. */
async function walkTheWizard(api: WebApi, banner: Banner): Promise<string[]> {
  const pin = await api.call('login:start');
  const approved = await fetch(
    `${banner.plexTvUrl}/__control/pins/${encodeURIComponent(pin.code!)}/approve`,
    {
      method: 'POST',
      headers: { 'X-Plex-Token': banner.token, 'Content-Type': 'application/json' },
      body: '{}',
    },
  );
  if (!approved.ok) throw new Error(`the fake plex.tv did not approve the PIN (${approved.status})`);
  await waitFor('the sign-in', 30_000, async () =>
    (await api.call('login:status'))?.status === 'linked' ? true : null,
  );
  const servers = await api.call('servers:refresh');
  return servers.map((s) => `${s.name} [${s.sources.join(',')}] via ${s.chosenUri ?? 'nothing'}`);
}

async function waitForSync(api: WebApi): Promise<string[]> {
  return waitFor('every selected library to sync', SYNC_TIMEOUT_MS, async () => {
    const libraries = (await api.call('libraries:list')).filter((l) => l.selected);
    const queue = await api.call('sync:queue');
    if (libraries.length === 0 || queue.length > 0) return null;
    if (libraries.some((l) => l.lastSyncStatus === null)) return null;
    return libraries.map((l) => `${l.title}: ${l.lastSyncStatus}`);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'retrovue-demo-guard-'));
  const refusedLog = join(dir, 'refused.jsonl');
  const allowedLog = join(dir, 'allowed.jsonl');
  const env = {
    ...guardedEnv(refusedLog),
    [GUARD_ALLOWED_LOG_ENV]: allowedLog,
    [GUARD_SOURCE_ENV]: 'npm run demo',
  };
  const demo = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'fake-plex', 'demo.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stdout.on('data', (c: Buffer) => (output += c.toString()));
  demo.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => demo.on('close', (code) => r(code)));

  let failure: unknown;
  try {
    const banner = await waitFor('the demo to start', 120_000, () => {
      if (demo.exitCode !== null) throw new Error(`the demo exited early:\n${output}`);
      return readBanner(() => output);
    });
    const api = await connectWebApi(banner.appUrl);
    try {
      await waitFor('the demo to set the server up through the API', 60_000, () => {
        if (/demo: could not set up/.test(output)) throw new Error('the demo could not set up its server');
        return /demo: added .* through the app's API/.test(output) ? true : null;
      });
      const servers = await walkTheWizard(api, banner);
      console.log(`servers after the wizard's refresh:\n  ${servers.join('\n  ')}`);
      const synced = await waitForSync(api);
      console.log(`synced:\n  ${synced.join('\n  ')}`);
    } finally {
      api.close();
    }
  } catch (err) {
    failure = err;
  } finally {
    demo.kill('SIGINT');
    const timer = setTimeout(() => demo.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  const refused = readGuardLog(refusedLog);
  const reached = readJsonLines<{ pid: number; kind: string; target: string }>(allowedLog);
  const byTarget = new Map<string, number>();
  for (const a of reached) {
    const key = `${a.kind} ${a.target.replace(/:\d+$/, ':*')}`;
    byTarget.set(key, (byTarget.get(key) ?? 0) + 1);
  }
  console.log(
    `\nloopback guard over the demo (${new Set(reached.map((a) => a.pid)).size} processes): ` +
      `${reached.length} connections/datagrams on loopback, ${refused.length} refused outside`,
  );
  for (const [key, n] of [...byTarget].sort()) console.log(`  ${String(n).padStart(5)}  ${key}`);
  if (refused.length > 0) console.log(`refused:\n${describeEntries(refused)}`);
  if (failure) {
    console.error(`\ndemo check failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    console.error(output.split('\n').slice(-30).join('\n'));
  }
  process.exitCode = refused.length > 0 || failure ? 1 : 0;
}

void main();
