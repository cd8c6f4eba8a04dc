-- Item history: every change to an item's stored metadata keeps the previous value (field, old, new,
-- run, time), whatever code made it. A deep scan's temporary `scanning` state is not a change; the
-- state it ends in is compared with the state before the scan.
CREATE TRIGGER `item_history_movies` AFTER UPDATE ON `movies`
WHEN NEW.state <> 'scanning'
BEGIN
  INSERT INTO item_history (item_kind, item_id, library_id, run_id, field, old_value, new_value)
  SELECT 'movie', NEW.id, NEW.library_id,
    (SELECT max(id) FROM sync_runs WHERE library_id = NEW.library_id AND status = 'running'),
    f, o, n
  FROM (
    SELECT 'plex_rating_key' AS f, OLD.plex_rating_key AS o, NEW.plex_rating_key AS n
    UNION ALL SELECT 'plex_guid', OLD.plex_guid, NEW.plex_guid
    UNION ALL SELECT 'title', OLD.title, NEW.title
    UNION ALL SELECT 'file_size', OLD.file_size, NEW.file_size
    UNION ALL SELECT 'duration', OLD.duration, NEW.duration
    UNION ALL SELECT 'removed_at', OLD.removed_at, NEW.removed_at
    UNION ALL SELECT 'sort_title', OLD.sort_title, NEW.sort_title
    UNION ALL SELECT 'original_title', OLD.original_title, NEW.original_title
    UNION ALL SELECT 'summary', OLD.summary, NEW.summary
    UNION ALL SELECT 'year', OLD.year, NEW.year
    UNION ALL SELECT 'originally_available_at', OLD.originally_available_at, NEW.originally_available_at
    UNION ALL SELECT 'content_rating', OLD.content_rating, NEW.content_rating
    UNION ALL SELECT 'thumb_url', OLD.thumb_url, NEW.thumb_url
    UNION ALL SELECT 'art_url', OLD.art_url, NEW.art_url
    UNION ALL SELECT 'tagline', OLD.tagline, NEW.tagline
    UNION ALL SELECT 'edition_title', OLD.edition_title, NEW.edition_title
    UNION ALL SELECT 'state', CASE WHEN OLD.state = 'scanning' THEN OLD.state_before_scan ELSE OLD.state END, NEW.state
  )
  WHERE o IS NOT n;
END;
--> statement-breakpoint
CREATE TRIGGER `item_history_shows` AFTER UPDATE ON `shows`
WHEN NEW.state <> 'scanning'
BEGIN
  INSERT INTO item_history (item_kind, item_id, library_id, run_id, field, old_value, new_value)
  SELECT 'show', NEW.id, NEW.library_id,
    (SELECT max(id) FROM sync_runs WHERE library_id = NEW.library_id AND status = 'running'),
    f, o, n
  FROM (
    SELECT 'plex_rating_key' AS f, OLD.plex_rating_key AS o, NEW.plex_rating_key AS n
    UNION ALL SELECT 'plex_guid', OLD.plex_guid, NEW.plex_guid
    UNION ALL SELECT 'title', OLD.title, NEW.title
    UNION ALL SELECT 'file_size', OLD.file_size, NEW.file_size
    UNION ALL SELECT 'duration', OLD.duration, NEW.duration
    UNION ALL SELECT 'removed_at', OLD.removed_at, NEW.removed_at
    UNION ALL SELECT 'sort_title', OLD.sort_title, NEW.sort_title
    UNION ALL SELECT 'original_title', OLD.original_title, NEW.original_title
    UNION ALL SELECT 'summary', OLD.summary, NEW.summary
    UNION ALL SELECT 'year', OLD.year, NEW.year
    UNION ALL SELECT 'originally_available_at', OLD.originally_available_at, NEW.originally_available_at
    UNION ALL SELECT 'content_rating', OLD.content_rating, NEW.content_rating
    UNION ALL SELECT 'thumb_url', OLD.thumb_url, NEW.thumb_url
    UNION ALL SELECT 'art_url', OLD.art_url, NEW.art_url
    UNION ALL SELECT 'state', CASE WHEN OLD.state = 'scanning' THEN OLD.state_before_scan ELSE OLD.state END, NEW.state
  )
  WHERE o IS NOT n;
END;
--> statement-breakpoint
CREATE TRIGGER `item_history_seasons` AFTER UPDATE ON `seasons`
WHEN NEW.state <> 'scanning'
BEGIN
  INSERT INTO item_history (item_kind, item_id, library_id, run_id, field, old_value, new_value)
  SELECT 'season', NEW.id, NEW.library_id,
    (SELECT max(id) FROM sync_runs WHERE library_id = NEW.library_id AND status = 'running'),
    f, o, n
  FROM (
    SELECT 'plex_rating_key' AS f, OLD.plex_rating_key AS o, NEW.plex_rating_key AS n
    UNION ALL SELECT 'plex_guid', OLD.plex_guid, NEW.plex_guid
    UNION ALL SELECT 'title', OLD.title, NEW.title
    UNION ALL SELECT 'file_size', OLD.file_size, NEW.file_size
    UNION ALL SELECT 'duration', OLD.duration, NEW.duration
    UNION ALL SELECT 'removed_at', OLD.removed_at, NEW.removed_at
    UNION ALL SELECT 'season_number', OLD.season_number, NEW.season_number
    UNION ALL SELECT 'summary', OLD.summary, NEW.summary
    UNION ALL SELECT 'thumb_url', OLD.thumb_url, NEW.thumb_url
    UNION ALL SELECT 'art_url', OLD.art_url, NEW.art_url
    UNION ALL SELECT 'state', CASE WHEN OLD.state = 'scanning' THEN OLD.state_before_scan ELSE OLD.state END, NEW.state
  )
  WHERE o IS NOT n;
END;
--> statement-breakpoint
CREATE TRIGGER `item_history_episodes` AFTER UPDATE ON `episodes`
WHEN NEW.state <> 'scanning'
BEGIN
  INSERT INTO item_history (item_kind, item_id, library_id, run_id, field, old_value, new_value)
  SELECT 'episode', NEW.id, NEW.library_id,
    (SELECT max(id) FROM sync_runs WHERE library_id = NEW.library_id AND status = 'running'),
    f, o, n
  FROM (
    SELECT 'plex_rating_key' AS f, OLD.plex_rating_key AS o, NEW.plex_rating_key AS n
    UNION ALL SELECT 'plex_guid', OLD.plex_guid, NEW.plex_guid
    UNION ALL SELECT 'title', OLD.title, NEW.title
    UNION ALL SELECT 'file_size', OLD.file_size, NEW.file_size
    UNION ALL SELECT 'duration', OLD.duration, NEW.duration
    UNION ALL SELECT 'removed_at', OLD.removed_at, NEW.removed_at
    UNION ALL SELECT 'sort_title', OLD.sort_title, NEW.sort_title
    UNION ALL SELECT 'original_title', OLD.original_title, NEW.original_title
    UNION ALL SELECT 'summary', OLD.summary, NEW.summary
    UNION ALL SELECT 'year', OLD.year, NEW.year
    UNION ALL SELECT 'originally_available_at', OLD.originally_available_at, NEW.originally_available_at
    UNION ALL SELECT 'content_rating', OLD.content_rating, NEW.content_rating
    UNION ALL SELECT 'thumb_url', OLD.thumb_url, NEW.thumb_url
    UNION ALL SELECT 'art_url', OLD.art_url, NEW.art_url
    UNION ALL SELECT 'season_number', OLD.season_number, NEW.season_number
    UNION ALL SELECT 'episode_number', OLD.episode_number, NEW.episode_number
    UNION ALL SELECT 'state', CASE WHEN OLD.state = 'scanning' THEN OLD.state_before_scan ELSE OLD.state END, NEW.state
  )
  WHERE o IS NOT n;
END;
--> statement-breakpoint
-- Files: a detail write replaces an item's versions and parts. The paths a replaced version had are
-- kept before it goes; a part written again with a path the same run just removed is no change.
CREATE TRIGGER `item_history_files_removed` BEFORE DELETE ON `media_versions`
BEGIN
  INSERT INTO item_history (item_kind, item_id, library_id, run_id, field, old_value, new_value)
  SELECT
    CASE WHEN OLD.movie_id IS NOT NULL THEN 'movie' ELSE 'episode' END,
    coalesce(OLD.movie_id, OLD.episode_id),
    lib.library_id,
    (SELECT max(id) FROM sync_runs WHERE library_id = lib.library_id AND status = 'running'),
    'file', p.file, NULL
  FROM media_parts p,
    (SELECT coalesce(
      (SELECT library_id FROM movies WHERE id = OLD.movie_id),
      (SELECT library_id FROM episodes WHERE id = OLD.episode_id)) AS library_id) lib
  WHERE p.version_id = OLD.id;
END;
--> statement-breakpoint
CREATE TRIGGER `item_history_files_added` AFTER INSERT ON `media_parts`
BEGIN
  -- Only a replaced version's parts count: an item's first files (a new item) are no change.
  INSERT INTO item_history (item_kind, item_id, library_id, run_id, field, old_value, new_value)
  SELECT removed.item_kind, removed.item_id, removed.library_id, removed.run_id, 'file', NULL, NEW.file
  FROM item_history removed, media_versions v
  WHERE v.id = NEW.version_id
    AND removed.id = (
      SELECT max(h.id) FROM item_history h
      WHERE h.item_kind = (CASE WHEN v.movie_id IS NOT NULL THEN 'movie' ELSE 'episode' END)
        AND h.item_id = coalesce(v.movie_id, v.episode_id)
        AND h.field = 'file' AND h.new_value IS NULL
        AND h.run_id IS (SELECT max(id) FROM sync_runs WHERE library_id = h.library_id AND status = 'running'))
    AND NOT EXISTS (
      SELECT 1 FROM item_history same
      WHERE same.item_kind = removed.item_kind AND same.item_id = removed.item_id AND same.field = 'file'
        AND same.old_value = NEW.file AND same.new_value IS NULL AND same.run_id IS removed.run_id);
  -- Written again with the path the same run just removed: neither is a change.
  DELETE FROM item_history WHERE id = (
    SELECT max(h.id) FROM item_history h, media_versions v
    WHERE v.id = NEW.version_id
      AND h.item_kind = (CASE WHEN v.movie_id IS NOT NULL THEN 'movie' ELSE 'episode' END)
      AND h.item_id = coalesce(v.movie_id, v.episode_id)
      AND h.field = 'file' AND h.old_value = NEW.file AND h.new_value IS NULL
      AND h.run_id IS (SELECT max(id) FROM sync_runs WHERE library_id = h.library_id AND status = 'running'));
END;
