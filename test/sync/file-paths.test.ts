// Plex file paths are used as given, never resolved against the working folder: only absolute
// paths (after mapping) are checked; a relative one or one with a NUL is `unavailable` with a
// reason, and a NUL is never stored raw (issue 14).
import { afterEach, describe, expect, it } from 'vitest';
import { createPathMapper } from '../../src-main/core/media/path-mapping';
import { setupSync, type SyncSetup } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

describe('file paths from Plex', () => {
  it('the mapper checks only absolute paths; relative ones and NULs are invalid with a reason', () => {
    const checked: string[] = [];
    const mapper = createPathMapper([{ from: '/data', to: 'relative/dir' }], null, (p) => {
      checked.push(p);
      return true;
    });
    expect(mapper.check('../../../../etc/passwd')).toMatchObject({
      state: 'invalid',
      localPath: null,
      reason: expect.stringMatching(/not absolute/),
    });
    // A rule that maps to a relative folder does not make the path checkable either.
    expect(mapper.check('/data/a.mkv')).toMatchObject({ state: 'invalid', mapped: true });
    expect(mapper.check('/srv/a\u0000b.mkv')).toMatchObject({
      state: 'invalid',
      reason: expect.stringMatching(/NUL/),
    });
    expect(mapper.check('/srv/ok.mkv')).toMatchObject({ state: 'found', localPath: '/srv/ok.mkv' });
    // Another system's absolute path is not here, and not looked for.
    expect(mapper.check('D:\\Movies\\x.mkv')).toMatchObject({ state: 'unmapped' });
    expect(checked).toEqual(['/srv/ok.mkv']);
  });

  it('a movie whose file is relative or has a NUL is unavailable with the reason, and no NUL is stored', async () => {
    s = await setupSync({ movies: 6, shows: 1, episodes: 2 });
    const movies = s.fake.control.snapshot().items.filter((i) => i.type === 'movie');
    // Both exist when resolved against the working folder (the repository root).
    const traversal = movies[0]!.ratingKey;
    const relative = movies[1]!.ratingKey;
    const nul = movies[2]!.ratingKey;
    s.fake.control.moveFile(traversal, '../../../../../../../../etc/passwd');
    s.fake.control.moveFile(relative, 'package.json');
    s.fake.control.moveFile(nul, '/etc/passwd\u0000.mkv');
    const results = await s.engine.syncServer(s.serverId);
    expect(results.every((r) => r.status === 'succeeded')).toBe(true);
    const row = (rk: string) =>
      s!.store.sqlite
        .prepare(
          `select m.state, m.last_error as lastError, p.file, p.local_path as localPath, p.file_state as fileState
             from movies m join media_versions v on v.movie_id = m.id join media_parts p on p.version_id = v.id
            where m.plex_rating_key = ? order by p.id limit 1`,
        )
        .get(rk) as Record<string, string | null>;
    for (const rk of [traversal, relative]) {
      expect(row(rk)).toMatchObject({
        state: 'unavailable',
        lastError: expect.stringMatching(/^file path is not absolute/),
        localPath: null,
        fileState: 'invalid',
      });
    }
    const n = row(nul);
    expect(n).toMatchObject({
      state: 'unavailable',
      lastError: 'file path from Plex has a NUL character',
      localPath: null,
      fileState: 'invalid',
    });
    expect(n.file).toBe('/etc/passwd\uFFFD.mkv');
    expect(
      s.store.sqlite.prepare(`select count(*) as n from media_parts where instr(file, char(0)) > 0`).get(),
    ).toEqual({ n: 0 });
    // A deep scan re-checks the stored paths to the same result.
    await s.engine.syncServer(s.serverId, { kind: 'deep' });
    expect(row(nul)).toMatchObject({ state: 'unavailable', fileState: 'invalid' });
    expect(row(relative)).toMatchObject({ state: 'unavailable', fileState: 'invalid' });
  });
});
