CREATE TABLE `item_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_kind` text NOT NULL,
	`item_id` integer NOT NULL,
	`library_id` integer,
	`run_id` integer,
	`field` text NOT NULL,
	`old_value` text,
	`new_value` text,
	`changed_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `item_history_item_idx` ON `item_history` (`item_kind`,`item_id`,`id`);--> statement-breakpoint
CREATE INDEX `item_history_run_idx` ON `item_history` (`run_id`);--> statement-breakpoint
CREATE INDEX `item_history_changed_idx` ON `item_history` (`changed_at`);