ALTER TABLE `artwork` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `artwork` ADD `retry_at` integer;--> statement-breakpoint
ALTER TABLE `artwork` ADD `missing` integer DEFAULT false NOT NULL;