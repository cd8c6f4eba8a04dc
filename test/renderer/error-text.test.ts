// The Errors entry's words for issue 12's errors: held deletions point at the card's buttons, and a
// failing collections or playlists endpoint is named as such (not "the list of libraries").
import { describe, expect, it } from 'vitest';
import type { ErrorView } from '../../src-shared/ipc/contract';
import { explainError } from '../../src-renderer/lib/error-text';

const view = (patch: Partial<ErrorView>): ErrorView =>
  ({
    id: 1,
    errorClass: 'data',
    code: 'PLEX_DATA',
    message: '',
    context: {},
    serverName: 'Den',
    libraryTitle: 'Movies',
    ...patch,
  }) as ErrorView;

describe('error words', () => {
  it('held deletions say how many, that nothing was removed, and where to confirm', () => {
    const e = explainError(
      view({ code: 'DELETIONS_HELD', message: 'held', context: { wouldRemove: 6, stored: 12 } }),
    );
    expect(e.label).toBe('Deletions held');
    expect(e.sentence).toBe('Plex no longer lists 6 of 12 items of Movies; nothing was removed.');
    expect(e.next).toContain('Confirm deletions');
  });

  it('a 500 from the collections or playlists endpoint names that part', () => {
    const collections = explainError(
      view({
        errorClass: 'network',
        message:
          'collections could not be read from /library/sections/1/collections: server error 500 for http://127.0.0.1:9/library/sections/1/collections',
        context: { status: 500 },
      }),
    );
    expect(collections.sentence).toBe('Plex answered 500 (server error) for the Movies collections.');
    const playlists = explainError(
      view({ message: 'playlists could not be read', context: { status: 503, endpoint: '/playlists' } }),
    );
    expect(playlists.sentence).toBe('Plex answered 503 (server error) for the playlists.');
  });
});
