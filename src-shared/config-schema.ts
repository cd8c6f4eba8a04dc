// The one configuration schema. Shared because the renderer's settings form validates with it too.
// Loading, environment overrides, runtime updates and file migrations live in src-main/core/config.
import { z } from 'zod';

export const CONFIG_VERSION = 1;

export const pathReplacementSchema = z.object({
  /** Prefix as Plex reports it, e.g. "/data/movies" or "D:\\Media". */
  from: z.string().min(1),
  /** Prefix on this machine. */
  to: z.string().min(1),
  /** Limit to one server (machine identifier); absent = all servers. */
  server: z.string().min(1).optional(),
});
export type PathReplacement = z.infer<typeof pathReplacementSchema>;

export const LOG_LEVELS = ['error', 'warn', 'info', 'verbose', 'debug'] as const;

export const configSchema = z
  .object({
    version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION),
    // The seed's sync settings.
    refresh_interval_hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(6),
    deep_scan_interval_days: z.number().int().min(1).max(365).default(7),
    concurrent_scans: z.number().int().min(1).max(8).default(2),
    // Real servers refuse pages above 1000 items (400 "limit of 1000"; plex-api-notes §8).
    batch_size: z.number().int().min(10).max(1000).default(500),
    // 100 ids per detail request: half the round trips of 50 and ~10% less sync CPU (npm run bench).
    detail_batch_size: z.number().int().min(1).max(200).default(100),
    detail_concurrency: z.number().int().min(1).max(16).default(4),
    api_timeout_seconds: z.number().min(1).max(600).default(30),
    retry_attempts: z.number().int().min(0).max(10).default(3),
    retry_delay_seconds: z.number().min(0).max(600).default(5),
    path_replacements: z.array(pathReplacementSchema).default([]),
    max_consecutive_errors: z.number().int().min(1).max(1000).default(5),
    error_cooldown_minutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .default(15),
    cleanup_retention_days: z.number().int().min(0).max(3650).default(30),
    /** How long item history (previous values, for `retrovue history` and undo) is kept. */
    metadata_history_days: z.number().int().min(1).max(3650).default(90),
    // One complete listing that would remove more than this fraction of a library's items is held
    // (a share offline on the Plex server) until confirmed or the next listing agrees.
    mass_delete_threshold: z.number().min(0).max(1).default(0.2),
    // Plex's section stamps miss some edits: an unchanged-looking library is listed anyway once its
    // last complete listing is older than this (0: always list).
    listing_max_age_minutes: z
      .number()
      .min(0)
      .max(7 * 24 * 60)
      .default(60),
    live_push: z.boolean().default(true),
    live_push_debounce_seconds: z.number().min(0).max(300).default(2),
    // The app's own.
    data_dir: z.string().min(1).optional(),
    artwork_cache: z.boolean().default(true),
    artwork_cache_max_mb: z
      .number()
      .int()
      .min(0)
      .max(1024 * 1024)
      .default(2048),
    artwork_concurrency: z.number().int().min(1).max(32).default(8),
    /** Episode thumbnails are fetched when shown; true fetches them ahead with the posters. */
    artwork_prefetch_episode_thumbs: z.boolean().default(false),
    log_level: z.enum(LOG_LEVELS).default('info'),
    log_max_file_mb: z.number().min(1).max(1024).default(10),
    log_max_files: z.number().int().min(1).max(100).default(5),
    start_at_login: z.boolean().default(false),
    close_to_tray: z.boolean().default(true),
    /** Tell failed syncs (desktop notification, in-page notice); at most once per server in a while. */
    failure_notifications: z.boolean().default(true),
    plex_tv_url: z.string().url().default('https://plex.tv'),
    plex_auth_app_url: z.string().url().default('https://app.plex.tv/auth'),
    gdm_address: z.string().min(1).default('239.0.0.250'),
    gdm_port: z.number().int().min(1).max(65535).default(32414),
    health_port: z.number().int().min(0).max(65535).default(32499),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export const DEFAULT_CONFIG: Config = configSchema.parse({});
