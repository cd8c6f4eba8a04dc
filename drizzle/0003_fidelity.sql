CREATE TABLE `collection_items` (
	`collection_id` integer NOT NULL,
	`position` integer NOT NULL,
	`item_kind` text NOT NULL,
	`plex_rating_key` text NOT NULL,
	PRIMARY KEY(`collection_id`, `position`),
	FOREIGN KEY (`collection_id`) REFERENCES `collections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `collection_items_item_idx` ON `collection_items` (`item_kind`,`plex_rating_key`);--> statement-breakpoint
CREATE TABLE `collections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`plex_rating_key` text NOT NULL,
	`plex_guid` text,
	`title` text NOT NULL,
	`smart` integer DEFAULT false NOT NULL,
	`content` text,
	`child_count` integer,
	`labels_json` text DEFAULT '[]' NOT NULL,
	`added_at` integer,
	`updated_at` integer,
	`etag` text,
	`members_hash` text,
	`modified_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `collections_library_rk_uq` ON `collections` (`library_id`,`plex_rating_key`);--> statement-breakpoint
CREATE TABLE `item_aliases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`item_kind` text NOT NULL,
	`item_id` integer NOT NULL,
	`plex_rating_key` text NOT NULL,
	`replaced_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `item_aliases_key_uq` ON `item_aliases` (`library_id`,`item_kind`,`plex_rating_key`);--> statement-breakpoint
CREATE INDEX `item_aliases_item_idx` ON `item_aliases` (`item_kind`,`item_id`);--> statement-breakpoint
CREATE TABLE `markers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`movie_id` integer,
	`episode_id` integer,
	`marker_type` text NOT NULL,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	`is_final` integer DEFAULT false NOT NULL,
	`plex_marker_id` integer,
	FOREIGN KEY (`movie_id`) REFERENCES `movies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`episode_id`) REFERENCES `episodes`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "markers_one_owner" CHECK(("markers"."movie_id" is null) <> ("markers"."episode_id" is null))
);
--> statement-breakpoint
CREATE INDEX `markers_movie_idx` ON `markers` (`movie_id`);--> statement-breakpoint
CREATE INDEX `markers_episode_idx` ON `markers` (`episode_id`);--> statement-breakpoint
CREATE TABLE `playlist_items` (
	`playlist_id` integer NOT NULL,
	`position` integer NOT NULL,
	`plex_item_id` integer,
	`item_kind` text NOT NULL,
	`plex_rating_key` text NOT NULL,
	PRIMARY KEY(`playlist_id`, `position`),
	FOREIGN KEY (`playlist_id`) REFERENCES `playlists`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `playlist_items_item_idx` ON `playlist_items` (`item_kind`,`plex_rating_key`);--> statement-breakpoint
CREATE TABLE `playlists` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`server_id` integer NOT NULL,
	`plex_rating_key` text NOT NULL,
	`plex_guid` text,
	`title` text NOT NULL,
	`smart` integer DEFAULT false NOT NULL,
	`content` text,
	`leaf_count` integer,
	`duration` integer,
	`added_at` integer,
	`updated_at` integer,
	`etag` text,
	`items_hash` text,
	`modified_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `playlists_server_rk_uq` ON `playlists` (`server_id`,`plex_rating_key`);--> statement-breakpoint
ALTER TABLE `media_parts` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `media_versions` ADD `proxy_type` integer;--> statement-breakpoint
ALTER TABLE `scheduled_operations` ADD `operation_type` text GENERATED ALWAYS AS (operation) VIRTUAL;--> statement-breakpoint
ALTER TABLE `scheduled_operations` ADD `schedule_cron` text GENERATED ALWAYS AS (cron) VIRTUAL;--> statement-breakpoint
ALTER TABLE `scheduled_operations` ADD `parameters` text GENERATED ALWAYS AS (parameters_json) VIRTUAL;--> statement-breakpoint
ALTER TABLE `scheduled_operations` ADD `last_run` integer GENERATED ALWAYS AS (last_run_at) VIRTUAL;--> statement-breakpoint
ALTER TABLE `scheduled_operations` ADD `next_run` integer GENERATED ALWAYS AS (next_run_at) VIRTUAL;--> statement-breakpoint
ALTER TABLE `sync_errors` ADD `operation_id` integer GENERATED ALWAYS AS (run_id) VIRTUAL;--> statement-breakpoint
ALTER TABLE `sync_errors` ADD `error_type` text GENERATED ALWAYS AS (error_class) VIRTUAL;--> statement-breakpoint
ALTER TABLE `sync_errors` ADD `error_message` text GENERATED ALWAYS AS (message) VIRTUAL;--> statement-breakpoint
ALTER TABLE `sync_errors` ADD `error_context` text GENERATED ALWAYS AS (context_json) VIRTUAL;--> statement-breakpoint
ALTER TABLE `sync_metrics` ADD `operation_type` text GENERATED ALWAYS AS (operation) VIRTUAL;--> statement-breakpoint
ALTER TABLE `sync_metrics` ADD `errors_count` integer GENERATED ALWAYS AS (errors) VIRTUAL;--> statement-breakpoint
ALTER TABLE `sync_metrics` ADD `recorded_at` integer GENERATED ALWAYS AS (started_at + duration_ms) VIRTUAL;--> statement-breakpoint
ALTER TABLE `sync_services` ADD `last_heartbeat` integer GENERATED ALWAYS AS (heartbeat_at) VIRTUAL;--> statement-breakpoint
ALTER TABLE `sync_services` ADD `configuration` text GENERATED ALWAYS AS (config_json) VIRTUAL;--> statement-breakpoint
CREATE INDEX `episodes_guid_idx` ON `episodes` (`plex_guid`);--> statement-breakpoint
CREATE INDEX `movies_guid_idx` ON `movies` (`plex_guid`);--> statement-breakpoint
CREATE INDEX `seasons_guid_idx` ON `seasons` (`plex_guid`);