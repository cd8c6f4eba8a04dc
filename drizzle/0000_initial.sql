CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plex_uuid` text NOT NULL,
	`plex_id` integer,
	`username` text NOT NULL,
	`title` text,
	`email` text,
	`avatar_url` text,
	`token_ref` text NOT NULL,
	`needs_login` integer DEFAULT false NOT NULL,
	`validated_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_plex_uuid_unique` ON `accounts` (`plex_uuid`);--> statement-breakpoint
CREATE TABLE `archived_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`item_kind` text NOT NULL,
	`plex_rating_key` text NOT NULL,
	`title` text NOT NULL,
	`payload_json` text NOT NULL,
	`archived_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`restored_at` integer
);
--> statement-breakpoint
CREATE INDEX `archived_items_library_idx` ON `archived_items` (`library_id`,`item_kind`,`plex_rating_key`);--> statement-breakpoint
CREATE TABLE `artwork` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_kind` text NOT NULL,
	`item_id` integer NOT NULL,
	`kind` text NOT NULL,
	`plex_url` text NOT NULL,
	`cache_file` text,
	`bytes` integer,
	`fetched_at` integer,
	`last_error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `artwork_item_kind_uq` ON `artwork` (`item_kind`,`item_id`,`kind`);--> statement-breakpoint
CREATE INDEX `artwork_cache_file_idx` ON `artwork` (`cache_file`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`details_json` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `cast_roles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_kind` text NOT NULL,
	`item_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`role` text,
	`sort_order` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `cast_roles_item_idx` ON `cast_roles` (`item_kind`,`item_id`,`sort_order`);--> statement-breakpoint
CREATE INDEX `cast_roles_person_idx` ON `cast_roles` (`person_id`);--> statement-breakpoint
CREATE TABLE `chapters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`movie_id` integer,
	`episode_id` integer,
	`chapter_index` integer NOT NULL,
	`title` text,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	`thumb_url` text,
	FOREIGN KEY (`movie_id`) REFERENCES `movies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`episode_id`) REFERENCES `episodes`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "chapters_one_owner" CHECK(("chapters"."movie_id" is null) <> ("chapters"."episode_id" is null))
);
--> statement-breakpoint
CREATE INDEX `chapters_movie_idx` ON `chapters` (`movie_id`);--> statement-breakpoint
CREATE INDEX `chapters_episode_idx` ON `chapters` (`episode_id`);--> statement-breakpoint
CREATE TABLE `episodes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`show_id` integer NOT NULL,
	`season_id` integer,
	`plex_rating_key` text NOT NULL,
	`plex_guid` text,
	`title` text NOT NULL,
	`state` text DEFAULT 'normal' NOT NULL,
	`state_before_scan` text,
	`state_changed_at` integer,
	`last_scan_at` integer,
	`last_seen_run_id` integer,
	`last_error` text,
	`last_error_at` integer,
	`error_count` integer DEFAULT 0 NOT NULL,
	`etag` text,
	`detail_etag` text,
	`file_size` integer,
	`duration` integer,
	`added_at` integer,
	`updated_at` integer,
	`removed_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`modified_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`sort_title` text,
	`original_title` text,
	`summary` text,
	`year` integer,
	`originally_available_at` text,
	`content_rating` text,
	`thumb_url` text,
	`art_url` text,
	`season_number` integer,
	`episode_number` integer,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`show_id`) REFERENCES `shows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`season_id`) REFERENCES `seasons`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `episodes_library_rk_uq` ON `episodes` (`library_id`,`plex_rating_key`);--> statement-breakpoint
CREATE INDEX `episodes_show_idx` ON `episodes` (`show_id`,`season_number`,`episode_number`);--> statement-breakpoint
CREATE INDEX `episodes_season_idx` ON `episodes` (`season_id`);--> statement-breakpoint
CREATE INDEX `episodes_library_state_idx` ON `episodes` (`library_id`,`state`);--> statement-breakpoint
CREATE TABLE `guids` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_kind` text NOT NULL,
	`item_id` integer NOT NULL,
	`provider` text NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `guids_item_provider_uq` ON `guids` (`item_kind`,`item_id`,`provider`);--> statement-breakpoint
CREATE INDEX `guids_lookup_idx` ON `guids` (`provider`,`value`);--> statement-breakpoint
CREATE TABLE `item_tags` (
	`item_kind` text NOT NULL,
	`item_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `item_tags_uq` ON `item_tags` (`item_kind`,`item_id`,`tag_id`);--> statement-breakpoint
CREATE INDEX `item_tags_tag_idx` ON `item_tags` (`tag_id`);--> statement-breakpoint
CREATE TABLE `libraries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`server_id` integer NOT NULL,
	`plex_key` text NOT NULL,
	`title` text NOT NULL,
	`type` text NOT NULL,
	`agent` text,
	`scanner` text,
	`language` text,
	`uuid` text,
	`locations_json` text DEFAULT '[]' NOT NULL,
	`selected` integer DEFAULT false NOT NULL,
	`plex_updated_at` integer,
	`plex_scanned_at` integer,
	`plex_content_changed_at` text,
	`synced_plex_updated_at` integer,
	`synced_content_changed_at` text,
	`last_sync_at` integer,
	`last_sync_status` text,
	`last_good_sync_at` integer,
	`last_deep_scan_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`modified_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `libraries_server_key_uq` ON `libraries` (`server_id`,`plex_key`);--> statement-breakpoint
CREATE TABLE `media_parts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_id` integer NOT NULL,
	`plex_part_id` integer NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`plex_key` text,
	`file` text NOT NULL,
	`local_path` text,
	`file_state` text,
	`checked_at` integer,
	`size` integer,
	`duration` integer,
	`container` text,
	FOREIGN KEY (`version_id`) REFERENCES `media_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `media_parts_version_idx` ON `media_parts` (`version_id`);--> statement-breakpoint
CREATE INDEX `media_parts_file_idx` ON `media_parts` (`file`);--> statement-breakpoint
CREATE TABLE `media_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`movie_id` integer,
	`episode_id` integer,
	`plex_media_id` integer NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`duration` integer,
	`bitrate` integer,
	`width` integer,
	`height` integer,
	`aspect_ratio` real,
	`audio_channels` integer,
	`video_codec` text,
	`audio_codec` text,
	`video_resolution` text,
	`video_frame_rate` text,
	`container` text,
	FOREIGN KEY (`movie_id`) REFERENCES `movies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`episode_id`) REFERENCES `episodes`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "media_versions_one_owner" CHECK(("media_versions"."movie_id" is null) <> ("media_versions"."episode_id" is null))
);
--> statement-breakpoint
CREATE INDEX `media_versions_movie_idx` ON `media_versions` (`movie_id`);--> statement-breakpoint
CREATE INDEX `media_versions_episode_idx` ON `media_versions` (`episode_id`);--> statement-breakpoint
CREATE TABLE `movies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`plex_rating_key` text NOT NULL,
	`plex_guid` text,
	`title` text NOT NULL,
	`state` text DEFAULT 'normal' NOT NULL,
	`state_before_scan` text,
	`state_changed_at` integer,
	`last_scan_at` integer,
	`last_seen_run_id` integer,
	`last_error` text,
	`last_error_at` integer,
	`error_count` integer DEFAULT 0 NOT NULL,
	`etag` text,
	`detail_etag` text,
	`file_size` integer,
	`duration` integer,
	`added_at` integer,
	`updated_at` integer,
	`removed_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`modified_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`sort_title` text,
	`original_title` text,
	`summary` text,
	`year` integer,
	`originally_available_at` text,
	`content_rating` text,
	`thumb_url` text,
	`art_url` text,
	`tagline` text,
	`edition_title` text,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `movies_library_rk_uq` ON `movies` (`library_id`,`plex_rating_key`);--> statement-breakpoint
CREATE INDEX `movies_library_state_idx` ON `movies` (`library_id`,`state`);--> statement-breakpoint
CREATE INDEX `movies_title_idx` ON `movies` (`title`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`plex_tag_key` text,
	`thumb_url` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_identity_uq` ON `people` (`name`,`plex_tag_key`);--> statement-breakpoint
CREATE TABLE `scheduled_operations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer,
	`operation` text NOT NULL,
	`cron` text NOT NULL,
	`parameters_json` text DEFAULT '{}' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`jitter_seconds` integer DEFAULT 0 NOT NULL,
	`last_run_at` integer,
	`last_status` text,
	`next_run_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`modified_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scheduled_operations_uq` ON `scheduled_operations` (`library_id`,`operation`);--> statement-breakpoint
CREATE INDEX `scheduled_operations_next_idx` ON `scheduled_operations` (`enabled`,`next_run_at`);--> statement-breakpoint
CREATE TABLE `seasons` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`show_id` integer NOT NULL,
	`plex_rating_key` text NOT NULL,
	`plex_guid` text,
	`title` text NOT NULL,
	`state` text DEFAULT 'normal' NOT NULL,
	`state_before_scan` text,
	`state_changed_at` integer,
	`last_scan_at` integer,
	`last_seen_run_id` integer,
	`last_error` text,
	`last_error_at` integer,
	`error_count` integer DEFAULT 0 NOT NULL,
	`etag` text,
	`detail_etag` text,
	`file_size` integer,
	`duration` integer,
	`added_at` integer,
	`updated_at` integer,
	`removed_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`modified_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`season_number` integer,
	`summary` text,
	`thumb_url` text,
	`art_url` text,
	`episode_count` integer,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`show_id`) REFERENCES `shows`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `seasons_library_rk_uq` ON `seasons` (`library_id`,`plex_rating_key`);--> statement-breakpoint
CREATE INDEX `seasons_show_idx` ON `seasons` (`show_id`,`season_number`);--> statement-breakpoint
CREATE INDEX `seasons_library_state_idx` ON `seasons` (`library_id`,`state`);--> statement-breakpoint
CREATE TABLE `servers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`machine_identifier` text NOT NULL,
	`name` text NOT NULL,
	`account_id` integer,
	`owned` integer DEFAULT true NOT NULL,
	`source_title` text,
	`version` text,
	`platform` text,
	`sources` text DEFAULT 'manual' NOT NULL,
	`connections_json` text DEFAULT '[]' NOT NULL,
	`chosen_uri` text,
	`chosen_latency_ms` integer,
	`token_ref` text,
	`needs_login` integer DEFAULT false NOT NULL,
	`https_required` integer DEFAULT false NOT NULL,
	`last_seen_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`modified_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `servers_machine_identifier_unique` ON `servers` (`machine_identifier`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `shows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`plex_rating_key` text NOT NULL,
	`plex_guid` text,
	`title` text NOT NULL,
	`state` text DEFAULT 'normal' NOT NULL,
	`state_before_scan` text,
	`state_changed_at` integer,
	`last_scan_at` integer,
	`last_seen_run_id` integer,
	`last_error` text,
	`last_error_at` integer,
	`error_count` integer DEFAULT 0 NOT NULL,
	`etag` text,
	`detail_etag` text,
	`file_size` integer,
	`duration` integer,
	`added_at` integer,
	`updated_at` integer,
	`removed_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`modified_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`sort_title` text,
	`original_title` text,
	`summary` text,
	`year` integer,
	`originally_available_at` text,
	`content_rating` text,
	`thumb_url` text,
	`art_url` text,
	`season_count` integer,
	`episode_count` integer,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shows_library_rk_uq` ON `shows` (`library_id`,`plex_rating_key`);--> statement-breakpoint
CREATE INDEX `shows_library_state_idx` ON `shows` (`library_id`,`state`);--> statement-breakpoint
CREATE INDEX `shows_title_year_idx` ON `shows` (`library_id`,`title`,`year`);--> statement-breakpoint
CREATE INDEX `shows_guid_idx` ON `shows` (`plex_guid`);--> statement-breakpoint
CREATE TABLE `streams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`part_id` integer NOT NULL,
	`plex_stream_id` integer NOT NULL,
	`stream_type` text NOT NULL,
	`stream_index` integer,
	`codec` text,
	`language` text,
	`language_code` text,
	`title` text,
	`display_title` text,
	`is_default` integer DEFAULT false NOT NULL,
	`is_forced` integer DEFAULT false NOT NULL,
	`is_external` integer DEFAULT false NOT NULL,
	`hearing_impaired` integer DEFAULT false NOT NULL,
	`plex_key` text,
	`bitrate` integer,
	`width` integer,
	`height` integer,
	`frame_rate` real,
	`channels` integer,
	`audio_channel_layout` text,
	`sampling_rate` integer,
	`profile` text,
	FOREIGN KEY (`part_id`) REFERENCES `media_parts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `streams_part_idx` ON `streams` (`part_id`);--> statement-breakpoint
CREATE TABLE `sync_errors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer,
	`server_id` integer,
	`library_id` integer,
	`item_kind` text,
	`plex_rating_key` text,
	`error_class` text NOT NULL,
	`code` text,
	`message` text NOT NULL,
	`context_json` text DEFAULT '{}' NOT NULL,
	`fingerprint` text NOT NULL,
	`retry_count` integer DEFAULT 0 NOT NULL,
	`occurred_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_occurred_at` integer,
	`resolved_at` integer,
	FOREIGN KEY (`run_id`) REFERENCES `sync_runs`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `sync_errors_fingerprint_idx` ON `sync_errors` (`fingerprint`,`resolved_at`);--> statement-breakpoint
CREATE INDEX `sync_errors_occurred_idx` ON `sync_errors` (`occurred_at`);--> statement-breakpoint
CREATE INDEX `sync_errors_class_idx` ON `sync_errors` (`error_class`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `sync_metrics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer,
	`server_id` integer,
	`library_id` integer,
	`operation` text NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`items_processed` integer DEFAULT 0 NOT NULL,
	`items_skipped` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	`api_calls` integer DEFAULT 0 NOT NULL,
	`bytes_received` integer DEFAULT 0 NOT NULL,
	`rows_written` integer DEFAULT 0 NOT NULL,
	`peak_rss_bytes` integer,
	FOREIGN KEY (`run_id`) REFERENCES `sync_runs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `sync_metrics_started_idx` ON `sync_metrics` (`started_at`);--> statement-breakpoint
CREATE TABLE `sync_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`server_id` integer,
	`library_id` integer,
	`kind` text NOT NULL,
	`trigger` text DEFAULT 'manual' NOT NULL,
	`status` text NOT NULL,
	`phase` text,
	`checkpoint_json` text,
	`resumed_from_run_id` integer,
	`items_total` integer DEFAULT 0 NOT NULL,
	`items_done` integer DEFAULT 0 NOT NULL,
	`added` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`removed` integer DEFAULT 0 NOT NULL,
	`unchanged` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	`api_calls` integer DEFAULT 0 NOT NULL,
	`error_message` text,
	`started_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`heartbeat_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `sync_runs_library_idx` ON `sync_runs` (`library_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `sync_runs_status_idx` ON `sync_runs` (`status`);--> statement-breakpoint
CREATE TABLE `sync_seen` (
	`run_id` integer NOT NULL,
	`library_id` integer NOT NULL,
	`item_kind` text NOT NULL,
	`plex_rating_key` text NOT NULL,
	PRIMARY KEY(`run_id`, `item_kind`, `plex_rating_key`)
);
--> statement-breakpoint
CREATE INDEX `sync_seen_library_idx` ON `sync_seen` (`library_id`);--> statement-breakpoint
CREATE TABLE `sync_services` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`pid` integer,
	`hostname` text,
	`version` text,
	`config_json` text DEFAULT '{}' NOT NULL,
	`started_at` integer,
	`heartbeat_at` integer,
	`stopped_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_services_name_unique` ON `sync_services` (`name`);--> statement-breakpoint
CREATE TABLE `tags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_kind_name_uq` ON `tags` (`kind`,`name`);