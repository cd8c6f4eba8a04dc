ALTER TABLE `artwork` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `artwork` ADD `retry_at` integer;--> statement-breakpoint
ALTER TABLE `artwork` ADD `missing` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Earlier versions cached originals during the sync; the queue fetches posters scaled to the size
-- they are drawn at instead (the old files go with the next clean-up, which removes unnamed files).
UPDATE `artwork` SET `cache_file` = NULL, `bytes` = NULL, `fetched_at` = NULL, `last_error` = NULL;
