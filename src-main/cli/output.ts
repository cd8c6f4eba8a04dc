import { describeError, RetroVueError } from '../core/errors/errors';

export interface OutputOptions {
  json: boolean;
}

/** Prints a command's result: one JSON document with --json, the human rendering otherwise. */
export function emit<T>(opts: OutputOptions, value: T, human: (value: T) => string): void {
  if (opts.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else process.stdout.write(`${human(value)}\n`);
}

/** One-line message and a non-zero exit for anything a person can act on; stack only for bugs. */
export function reportFatal(err: unknown, json: boolean): number {
  const message = describeError(err);
  const code = err instanceof RetroVueError ? err.code : 'INTERNAL';
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
  if (err instanceof RetroVueError && err.userFacing) {
    process.stderr.write(`retrovue: ${message}\n`);
    return 1;
  }
  process.stderr.write(`retrovue: internal error: ${message}\n`);
  if (process.env.RETROVUE_DEBUG && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
  }
  return 2;
}

export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
