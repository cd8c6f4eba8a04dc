// Opens (and so creates and migrates) databases on command, for the test where two processes open
// a new database at once. Reads lines `PATH` from stdin, opens that file, answers `ok` or
// `error MESSAGE` on stdout; prints `ready` once loaded.
import { createInterface } from 'node:readline';
import { openStore } from '../../src-main/core/store/database';
import { MIGRATIONS } from '../helpers/temp';

const lines = createInterface({ input: process.stdin });
lines.on('line', (path) => {
  try {
    openStore(path, { migrationsFolder: MIGRATIONS }).close();
    process.stdout.write('ok\n');
  } catch (err) {
    process.stdout.write(`error ${(err as Error).message.replace(/\n/g, ' ')}\n`);
  }
});
process.stdout.write('ready\n');
