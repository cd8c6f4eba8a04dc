ALTER TABLE `servers` ADD `added` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Servers from before the flag: the ones the person evidently chose (typed in, or with a selected library).
UPDATE `servers` SET `added` = 1 WHERE `sources` LIKE '%manual%' OR `id` IN (SELECT `server_id` FROM `libraries` WHERE `selected` = 1);
