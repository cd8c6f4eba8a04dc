// Child rows whose ids nobody needs back (streams, chapters, guids, tags, cast, artwork), collected
// and written as multi-row INSERTs: a tenth of the statement calls of one INSERT per row.
import type Database from 'better-sqlite3';

export type Value = string | number | null;

/** Rows per multi-row INSERT: well under SQLite's bound-parameter limit for the widest table. */
const CHUNK_ROWS = 64;

/**
 * Rows of one table collected in one flat parameter array and inserted CHUNK_ROWS at a time; a
 * remainder goes in power-of-two pieces, so a buffer prepares at most log2(CHUNK_ROWS) + 1 statements.
 */
export class RowBuffer {
  private values: Value[] = [];
  private rows = 0;
  private readonly stmts = new Map<number, Database.Statement>();

  constructor(
    private readonly sqlite: Database.Database,
    private readonly head: string,
    private readonly width: number,
    private readonly tail: string,
    private readonly counted: (changes: number) => void,
  ) {}

  add(...row: Value[]): void {
    for (const v of row) this.values.push(v);
    this.rows += 1;
    if (this.rows === CHUNK_ROWS) this.flush();
  }

  flush(): void {
    let at = 0;
    let left = this.rows;
    for (let size = CHUNK_ROWS; left > 0; size >>= 1) {
      while (left >= size) {
        const end = at + size * this.width;
        this.counted(
          this.stmt(size).run(at === 0 && left === size ? this.values : this.values.slice(at, end)).changes,
        );
        at = end;
        left -= size;
      }
    }
    this.discard();
  }

  discard(): void {
    this.values = [];
    this.rows = 0;
  }

  private stmt(rows: number): Database.Statement {
    let s = this.stmts.get(rows);
    if (!s) {
      const one = `(${new Array<string>(this.width).fill('?').join(',')})`;
      s = this.sqlite.prepare(
        `${this.head} values ${new Array<string>(rows).fill(one).join(',')} ${this.tail}`,
      );
      this.stmts.set(rows, s);
    }
    return s;
  }
}
