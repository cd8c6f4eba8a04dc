import { randomUUID } from 'node:crypto';
import { hostname, release } from 'node:os';
import { eq } from 'drizzle-orm';
import type { Db } from '../store/database';
import { settings } from '../store/schema';

export const PRODUCT = 'RetroVue';
// Kept in step with package.json by the release process; Plex only displays it.
export const PRODUCT_VERSION = '0.1.0';

export interface PlexIdentity {
  clientIdentifier: string;
  product: string;
  version: string;
  platform: string;
  platformVersion: string;
  device: string;
  deviceName: string;
}

const CLIENT_ID_KEY = 'plex_client_identifier';

/** The installation's client identifier: generated once, then the same forever (Plex lists it as a device). */
export function loadClientIdentifier(db: Db): string {
  const row = db.select().from(settings).where(eq(settings.key, CLIENT_ID_KEY)).get();
  if (row) return row.value;
  const id = `retrovue-${randomUUID()}`;
  db.insert(settings).values({ key: CLIENT_ID_KEY, value: id }).onConflictDoNothing().run();
  return db.select().from(settings).where(eq(settings.key, CLIENT_ID_KEY)).get()!.value;
}

export function makeIdentity(clientIdentifier: string): PlexIdentity {
  const platform =
    { win32: 'Windows', darwin: 'macOS', linux: 'Linux' }[process.platform as string] ?? process.platform;
  return {
    clientIdentifier,
    product: PRODUCT,
    version: PRODUCT_VERSION,
    platform,
    platformVersion: release(),
    device: platform,
    deviceName: hostname() || PRODUCT,
  };
}

/** The X-Plex-* headers every request to plex.tv and to a server carries. */
export function identityHeaders(id: PlexIdentity): Record<string, string> {
  return {
    Accept: 'application/json',
    'X-Plex-Client-Identifier': id.clientIdentifier,
    'X-Plex-Product': id.product,
    'X-Plex-Version': id.version,
    'X-Plex-Platform': id.platform,
    'X-Plex-Platform-Version': id.platformVersion,
    'X-Plex-Device': id.device,
    'X-Plex-Device-Name': id.deviceName,
    'X-Plex-Provides': 'controller',
  };
}
