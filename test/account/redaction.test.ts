// The token must appear nowhere but the vault: not in the log file, not in the database file (or
// its WAL), not in what the UI gets. A full login, discovery, library refresh and a revoked token
// run with the logger writing to a temp folder; then every byte is searched.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshServers } from '../../src-main/core/discovery/discover';
import { refreshLibraries } from '../../src-main/core/discovery/library-refresh';
import { resolveServerAccess } from '../../src-main/core/discovery/server-access';
import { describeError } from '../../src-main/core/errors/errors';
import { configureLogging, getLogger, setConsoleLevel } from '../../src-main/core/logging/logger';
import { createServerClient } from '../../src-main/core/plex/server-client';
import { startFakePlex, type FakePlex } from '../fake-plex';
import { tempDir } from '../helpers/temp';
import { accountSetup } from './setup';

let fake: FakePlex;
beforeAll(async () => {
  fake = await startFakePlex({ movies: 3, shows: 1, episodes: 2, sharedServer: true });
});
afterAll(async () => {
  await fake.stop();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('token redaction', () => {
  it('keeps every token out of the log file, the database file and UI payloads', async () => {
    const logs = tempDir();
    configureLogging({ dir: logs.dir, level: 'debug', maxFileMb: 10, maxFiles: 2, consoleLevel: false });
    const s = accountSetup(fake);
    const log = getLogger('redaction-test');
    let accountToken = '';
    try {
      const account = await s.accounts.login({
        onEvent: (e) => {
          log.debug('login event', { event: e });
          if (e.state === 'waiting') accountToken = fake.control.approvePin(e.pin.id).authToken!;
        },
      });
      log.info('account', { account });
      const discovery = await refreshServers({
        db: s.store.db,
        vault: s.vault,
        plexTv: s.plexTv,
        accounts: s.accounts,
        identity: s.identity,
        gdm: null,
        probeTimeoutMs: 1000,
      });
      log.info('discovery', { discovery });
      const owned = s.store.db.query.servers
        .findFirst({ where: (t, { eq }) => eq(t.machineIdentifier, fake.machineIdentifier) })
        .sync()!;
      const access = await resolveServerAccess(s.store.db, s.vault, s.identity, { serverId: owned.id });
      const client = createServerClient({
        baseUrl: access.baseUrl,
        token: access.token,
        identity: s.identity,
      });
      await refreshLibraries(s.store.db, owned.id, client);
      client.close();
      // Careless code: the token in a URL, a message and a field. Redaction must still mask it.
      log.warn(`request ${access.baseUrl}/library/sections?X-Plex-Token=${access.token} failed`);
      log.error(`token was ${accountToken}`, {
        headers: { 'X-Plex-Token': accountToken },
        note: accountToken,
      });

      fake.control.revokeToken(accountToken);
      fake.control.revokeToken(fake.sharedServer!.token);
      await s.accounts.validate();
      const shared = s.store.db.query.servers.findFirst({ where: (t, { eq }) => eq(t.owned, false) }).sync()!;
      const sharedAccess = await resolveServerAccess(s.store.db, s.vault, s.identity, {
        serverId: shared.id,
      }).catch((e: unknown) => e);
      log.error('shared access', { error: describeError(sharedAccess) });
      await refreshServers({
        db: s.store.db,
        vault: s.vault,
        plexTv: s.plexTv,
        accounts: s.accounts,
        identity: s.identity,
        gdm: null,
      }).then((r) => log.warn('after revoke', { problems: r.problems }));

      const secrets = [accountToken, fake.sharedServer!.token];
      expect(accountToken).toHaveLength(20);
      // UI payloads.
      for (const secret of secrets) {
        expect(JSON.stringify(account)).not.toContain(secret);
        expect(JSON.stringify(s.accounts.current())).not.toContain(secret);
        expect(JSON.stringify(discovery)).not.toContain(secret);
      }
      // Database file, WAL and all.
      s.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      const dbFiles = [s.store.path, `${s.store.path}-wal`, `${s.store.path}-shm`].filter(existsSync);
      // The log folder.
      const logFiles = filesUnder(logs.dir);
      expect(logFiles.length).toBeGreaterThan(0);
      const logText = logFiles.map((f) => readFileSync(f, 'utf8')).join('\n');
      expect(logText).toContain('signed in to plex.tv');
      expect(logText).toContain('[redacted]');
      for (const secret of secrets) {
        for (const f of [...dbFiles, ...logFiles])
          expect(readFileSync(f).includes(secret), `${secret.slice(0, 3)}… in ${f}`).toBe(false);
      }
      // The vault is the one place it lives.
      expect(readFileSync(s.vaultFile, 'utf8')).toContain(fake.sharedServer!.token);
    } finally {
      fake.control.restoreToken(accountToken);
      fake.control.restoreToken(fake.sharedServer!.token);
      setConsoleLevel('warn');
      s.cleanup();
      logs.cleanup();
    }
  });
});
