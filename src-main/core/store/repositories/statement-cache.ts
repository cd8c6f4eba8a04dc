// Prepared statements kept for the life of one run: a sync runs the same few hundred times a page.
import type Database from 'better-sqlite3';

export type StatementCache = (sql: string) => Database.Statement;

export function statementCache(sqlite: Database.Database): StatementCache {
  const stmts = new Map<string, Database.Statement>();
  return (sql) => {
    let s = stmts.get(sql);
    if (!s) {
      s = sqlite.prepare(sql);
      stmts.set(sql, s);
    }
    return s;
  };
}
