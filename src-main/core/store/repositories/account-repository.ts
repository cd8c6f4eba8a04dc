import { eq } from 'drizzle-orm';
import type { Db } from '../database';
import { accounts, servers } from '../schema';

export type AccountRow = typeof accounts.$inferSelect;

export interface AccountUpsert {
  plexUuid: string;
  plexId: number | null;
  username: string;
  title: string | null;
  email: string | null;
  avatarUrl: string | null;
  /** Vault reference of the account token; the token itself never comes near the database. */
  tokenRef: string;
}

/** Inserts or refreshes the account by its plex.tv uuid; a fresh login clears "needs login". */
export function upsertAccount(db: Db, a: AccountUpsert): AccountRow {
  const now = Date.now();
  const fields = {
    plexId: a.plexId,
    username: a.username,
    title: a.title,
    email: a.email,
    avatarUrl: a.avatarUrl,
    tokenRef: a.tokenRef,
    needsLogin: false,
    validatedAt: now,
  };
  return db
    .insert(accounts)
    .values({ plexUuid: a.plexUuid, ...fields })
    .onConflictDoUpdate({ target: accounts.plexUuid, set: fields })
    .returning()
    .get();
}

export function getAccount(db: Db, id: number): AccountRow | undefined {
  return db.select().from(accounts).where(eq(accounts.id, id)).get();
}

export function listAccounts(db: Db): AccountRow[] {
  return db.select().from(accounts).orderBy(accounts.id).all();
}

/** The account the app works with: the most recently signed-in one. */
export function getCurrentAccount(db: Db): AccountRow | undefined {
  return db.select().from(accounts).orderBy(accounts.createdAt, accounts.id).all().at(-1);
}

export function markAccountValidated(
  db: Db,
  id: number,
  profile?: Pick<AccountUpsert, 'username' | 'title' | 'email' | 'avatarUrl'>,
): void {
  db.update(accounts)
    .set({ ...(profile ?? {}), needsLogin: false, validatedAt: Date.now() })
    .where(eq(accounts.id, id))
    .run();
}

/** Marks the account and every server reached with its tokens as needing a new login. */
export function markAccountNeedsLogin(db: Db, id: number): void {
  db.transaction((tx) => {
    tx.update(accounts).set({ needsLogin: true }).where(eq(accounts.id, id)).run();
    tx.update(servers)
      .set({ needsLogin: true, modifiedAt: Date.now() })
      .where(eq(servers.accountId, id))
      .run();
  });
}

/** Servers that came with this account (plex.tv resources), for logout and re-login. */
export function listAccountServers(db: Db, accountId: number): (typeof servers.$inferSelect)[] {
  return db.select().from(servers).where(eq(servers.accountId, accountId)).all();
}

/**
 * Forgets the account. Its servers, libraries and synced items stay (data is never lost to a
 * logout); they are marked "needs login" because their tokens went with the account.
 */
export function removeAccount(db: Db, id: number): void {
  db.transaction((tx) => {
    tx.update(servers)
      .set({ needsLogin: true, modifiedAt: Date.now() })
      .where(eq(servers.accountId, id))
      .run();
    tx.delete(accounts).where(eq(accounts.id, id)).run();
  });
}
