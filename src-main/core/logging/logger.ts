// One logger for the main process, the service and the CLI, built on electron-log's Node entry so
// core never needs Electron. The file gets one JSON object per line (machine-readable, rotated by
// size keeping N files); the console gets a short readable line on stderr (stdout stays clean for
// `--json`). Every message and field passes through redaction before any transport sees it.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, parse } from 'node:path';
import electronLog from 'electron-log/node';
import type { LogLevel as ElectronLogLevel, LogMessage } from 'electron-log';
import type { LOG_LEVELS } from '../../../src-shared/config-schema';
import { redact, redactValue } from './redact';

export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  verbose(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** A logger whose lines carry `scope` (e.g. "sync", "config", "plex"). */
  child(scope: string): Logger;
}

export interface LoggingOptions {
  /** Folder for the log files (created on first write). */
  dir: string;
  level: LogLevel;
  maxFileMb: number;
  /** Files kept in total, the live one included. */
  maxFiles: number;
  fileName?: string;
  /** Console threshold; false turns the console off. Defaults to `level`. */
  consoleLevel?: LogLevel | false;
}

/** The JSON shape of one file line. */
export interface LogLine {
  ts: string;
  level: LogLevel;
  scope?: string;
  msg: string;
  [field: string]: unknown;
}

const base = electronLog.create({ logId: 'retrovue' });
let currentFile: string | null = null;
let currentOptions: LoggingOptions | null = null;

base.transports.file.level = false;
base.transports.console.level = 'warn';
base.transports.console.format = ({ message }) => [consoleLine(message)];
base.transports.console.writeFn = ({ message }) => {
  process.stderr.write(`${String(message.data[0])}\n`);
};
base.transports.file.format = ({ message }) => [JSON.stringify(jsonLine(message))];
// electron-log reports a log file it cannot write through its default instance's console, stack
// and all; one line on stderr says the same.
electronLog.transports.console.format = ({ message }) => [
  redact(message.data.map((d) => (d instanceof Error ? d.message : String(d))).join(' ')),
];
electronLog.transports.console.writeFn = ({ message }) => {
  process.stderr.write(`${String(message.data[0])}\n`);
};
// Redact once, before any transport: a secret must not depend on each transport remembering to.
base.hooks.push((message) => ({
  ...message,
  data: message.data.map((d) => (typeof d === 'string' ? redact(d) : redactValue(d))),
}));

function splitData(message: LogMessage): { msg: string; fields: LogFields } {
  const [first, second] = message.data as [unknown, unknown];
  const msg = typeof first === 'string' ? first : JSON.stringify(first);
  const fields = second && typeof second === 'object' ? (second as LogFields) : {};
  return { msg, fields };
}

function jsonLine(message: LogMessage): LogLine {
  const { msg, fields } = splitData(message);
  return {
    ...fields,
    ts: message.date.toISOString(),
    level: message.level as LogLevel,
    ...(message.scope ? { scope: message.scope } : {}),
    msg,
  };
}

function consoleLine(message: LogMessage): string {
  const { msg, fields } = splitData(message);
  const time = message.date.toISOString().slice(11, 23);
  const scope = message.scope ? ` (${message.scope})` : '';
  const extra = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${message.level}${scope} ${msg}${extra ? ` ${extra}` : ''}`;
}

/**
 * Rotation keeping `maxFiles` files: main.log -> main.1.log -> ... -> main.(N-1).log, the oldest
 * dropped. electron-log's own rotation keeps exactly one old file.
 */
function rotate(livePath: string, maxFiles: number): void {
  const { dir, name, ext } = parse(livePath);
  const numbered = (i: number) => join(dir, `${name}.${i}${ext}`);
  const oldest = numbered(maxFiles - 1);
  if (maxFiles <= 1) {
    rmSync(livePath, { force: true });
    return;
  }
  rmSync(oldest, { force: true });
  for (let i = maxFiles - 2; i >= 1; i--) {
    if (existsSync(numbered(i))) renameSync(numbered(i), numbered(i + 1));
  }
  renameSync(livePath, numbered(1));
}

/**
 * Turns the file transport on (or moves it) and sets levels. Safe to call again on config change.
 * Returns false when the folder cannot be created: the console goes on alone.
 */
export function configureLogging(options: LoggingOptions): boolean {
  const file = base.transports.file;
  base.transports.console.level =
    options.consoleLevel === undefined ? (options.level as ElectronLogLevel) : options.consoleLevel;
  try {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  } catch {
    // The command or app reports the unusable data folder itself, in its own words.
    file.level = false;
    currentFile = null;
    return false;
  }
  const fileName = options.fileName ?? 'retrovue.log';
  currentFile = join(options.dir, fileName);
  file.resolvePathFn = () => currentFile as string;
  file.maxSize = Math.round(options.maxFileMb * 1024 * 1024);
  file.archiveLogFn = (old) => rotate(old.path, options.maxFiles);
  file.level = options.level as ElectronLogLevel;
  currentOptions = options;
  return true;
}

/** How logging was last configured in this thread (a worker thread logs the same way). */
export function loggingOptions(): LoggingOptions | null {
  if (!currentOptions) return null;
  const level = base.transports.file.level;
  const consoleLevel = base.transports.console.level;
  return {
    ...currentOptions,
    level: (level || currentOptions.level) as LogLevel,
    consoleLevel: (consoleLevel || false) as LogLevel | false,
  };
}

/** Applies a new level to the file and the console (the config's log_level changed). */
export function setLogLevel(level: LogLevel): void {
  if (currentFile) base.transports.file.level = level as ElectronLogLevel;
  base.transports.console.level = level as ElectronLogLevel;
}

/** Console threshold alone: the CLI quietens it for --json output. */
export function setConsoleLevel(level: LogLevel | false): void {
  base.transports.console.level = level as ElectronLogLevel | false;
}

/** The live log file, or null while only the console is on. */
export function logFilePath(): string | null {
  return currentFile;
}

function wrap(scope: string | undefined): Logger {
  const target = scope ? base.scope(scope) : base;
  const at =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (fields === undefined) target[level](message);
      else target[level](message, fields);
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    verbose: at('verbose'),
    debug: at('debug'),
    child: (child) => wrap(scope ? `${scope}.${child}` : child),
  };
}

/** The logger for a module: `const log = getLogger('config')`. */
export function getLogger(scope?: string): Logger {
  return wrap(scope);
}
