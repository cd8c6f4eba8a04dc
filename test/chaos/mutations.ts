// Turns a planned mutation into a change of the fake's library, as a Plex user or scanner makes it.
import type { FakeEpisode, FakeMovie, FakePlex, FakeShow } from '../fake-plex/index';
import type { Mutation } from './plan';

export interface MutationContext {
  fake: FakePlex;
  seed: number;
  /** Numbers new titles and paths. */
  counter: number;
  /** Edits Plex made without moving any timestamp: only a deep scan can see them. */
  quietEdits: number;
  /** Creates the local copy of a Plex path when `present` (and the path is mapped). */
  placeFile: (plexPath: string, present: boolean) => void;
  filesPresent: number;
}

const at = <T>(list: T[], pick: number): T | undefined =>
  list[Math.min(list.length - 1, Math.floor(pick * list.length))];

function placeAll(ctx: MutationContext, item: FakeMovie | FakeEpisode, present: boolean): void {
  for (const m of item.media) for (const p of m.parts) ctx.placeFile(p.file, present);
}

/** Applies one mutation; false when the library has nothing it could apply to. */
export function applyMutation(ctx: MutationContext, m: Mutation): boolean {
  const { control } = ctx.fake;
  const items = control.snapshot().items;
  const movies = items.filter((i): i is FakeMovie & { details?: never } => i.type === 'movie');
  const shows = items.filter((i): i is FakeShow => i.type === 'show');
  const episodes = items.filter((i): i is FakeEpisode & { details?: never } => i.type === 'episode');
  const n = ++ctx.counter;
  const present = m.extra < ctx.filesPresent;
  switch (m.kind) {
    case 'add-movie': {
      placeAll(ctx, control.addMovie({}), present);
      return true;
    }
    case 'add-show': {
      const show = control.addShow(1 + Math.floor(m.extra * 3));
      for (const e of control.snapshot().items)
        if (e.type === 'episode' && e.showKey === show.ratingKey) placeAll(ctx, e, present);
      return true;
    }
    case 'add-episode': {
      const show = at(shows, m.pick);
      if (!show) return false;
      placeAll(ctx, control.addEpisode({ showKey: show.ratingKey }), present);
      return true;
    }
    case 'delete-movie': {
      const movie = at(movies, m.pick);
      if (!movie || movies.length <= 3) return false;
      control.delete(movie.ratingKey);
      return true;
    }
    case 'delete-episode': {
      const episode = at(episodes, m.pick);
      if (!episode || episodes.length <= 2) return false;
      control.delete(episode.ratingKey);
      return true;
    }
    case 'delete-show': {
      const show = at(shows, m.pick);
      if (!show || shows.length <= 1) return false;
      control.delete(show.ratingKey);
      return true;
    }
    case 'retitle': {
      const item = at(items, m.pick);
      if (!item) return false;
      control.change(item.ratingKey, {
        title: `${item.title.slice(0, 60)} · retitled ${n}${m.extra < 0.3 ? ' ✦ ünï' : ''}`,
      });
      return true;
    }
    case 'move-file': {
      const item = at([...movies, ...episodes], m.pick);
      if (!item) return false;
      const root = item.type === 'movie' ? '/data/movies' : '/data/tv';
      const path = `${root}/moved ${ctx.seed}/${n}/${item.ratingKey}.mkv`;
      control.moveFile(item.ratingKey, path);
      ctx.placeFile(path, present);
      return true;
    }
    case 'rekey-movie': {
      // Plex gives an item a new ratingKey when it is removed and added again (a re-match, a moved folder).
      const movie = at(movies, m.pick);
      if (!movie || movies.length <= 3) return false;
      control.delete(movie.ratingKey);
      const again = control.addMovie({
        title: movie.title,
        titleSort: movie.titleSort,
        year: movie.year,
        guid: movie.guid,
        guids: movie.guids,
      });
      placeAll(ctx, again, present);
      return true;
    }
    case 'rekey-show': {
      const show = at(shows, m.pick);
      if (!show) return false;
      const count = episodes.filter((e) => e.showKey === show.ratingKey).length;
      control.delete(show.ratingKey);
      const again = control.addShow(Math.max(1, Math.min(3, count)), {
        title: show.title,
        titleSort: show.titleSort,
        year: show.year,
        guid: show.guid,
        guids: show.guids,
      });
      for (const e of control.snapshot().items)
        if (e.type === 'episode' && e.showKey === again.ratingKey) placeAll(ctx, e, present);
      return true;
    }
    case 'quiet-edit': {
      // Plex changed the title without moving updatedAt or the section's stamps (seen after agent
      // refreshes): only a deep scan can notice, so the clean run is then a deep one.
      const target = at([...movies, ...shows], m.pick);
      const item = target && ctx.fake.library.get(target.ratingKey);
      if (!item) return false;
      item.title = `${item.title.slice(0, 60)} · quiet ${n}`;
      ctx.quietEdits += 1;
      return true;
    }
  }
}
