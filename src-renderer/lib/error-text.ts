// Each stored error in plain words: what happened, and what to do next. The raw message, URL and
// status stay available under "Details"; the sentence never needs them.
import type { ErrorView } from '../../src-shared/ipc/contract';
import type { ErrorClass } from '../../src-shared/domain';

export interface ErrorExplanation {
  /** The class as people say it: a 5xx is a server error, not "Network". */
  label: string;
  tone: 'bad' | 'warn' | 'info';
  sentence: string;
  next: string;
  action: 'sign-in' | 'retry' | null;
}

const CLASS_LABEL: Record<ErrorClass, string> = {
  network: 'Connection',
  timeout: 'Timeout',
  auth: 'Sign-in',
  not_found: 'Not found',
  data: 'Bad data',
  file_system: 'Files',
  database: 'Database',
};

export function errorClassLabel(c: ErrorClass): string {
  return CLASS_LABEL[c];
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

export function requestUrl(e: ErrorView): string | null {
  const r = e.context.request;
  const fromContext = r && typeof r === 'object' ? str((r as Record<string, unknown>).url) : null;
  // A run-level error keeps the request only in its message ("server error 500 for http://…").
  return fromContext ?? /\bfor (https?:\/\/\S+)/.exec(e.message)?.[1] ?? null;
}

/** What the failed request was about: "details of 25 items", "the library listing". */
function subject(e: ErrorView): string {
  const title = itemTitle(e);
  if (title) return `“${title}”`;
  const url = requestUrl(e);
  // A part of a run that failed on its own (collections, playlists) names its endpoint in the context.
  const path = url ? url.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0]! : (str(e.context.endpoint) ?? '');
  const batch = /^\/library\/metadata\/([\d,]+)/.exec(path);
  if (batch) {
    const n = batch[1]!.split(',').length;
    return n === 1 ? 'one item’s details' : `${n} items’ details`;
  }
  if (/\/library\/sections\/\d+\/all/.test(path)) return `the ${e.libraryTitle ?? 'library'} listing`;
  if (/\/library\/sections\/\d+\/collections/.test(path) || path.startsWith('/library/collections/'))
    return `the ${e.libraryTitle ?? 'library'} collections`;
  if (path.startsWith('/playlists')) return 'the playlists';
  if (path.startsWith('/library/sections')) return 'the list of libraries';
  return e.libraryTitle ? `${e.libraryTitle}` : 'a request';
}

export function itemTitle(e: ErrorView): string | null {
  return str(e.context.title);
}

export function httpStatus(e: ErrorView): number | null {
  const m = /\b(?:error|answered) (\d{3})\b/.exec(e.message);
  return num(e.context.status) ?? (m ? Number(m[1]) : null);
}

export function explainError(e: ErrorView): ErrorExplanation {
  const server = e.serverName ?? 'the Plex server';
  const status = httpStatus(e);
  if (e.code === 'DELETIONS_HELD') {
    const n = num(e.context.wouldRemove);
    const of = num(e.context.stored);
    return {
      label: 'Deletions held',
      tone: 'warn',
      sentence: `Plex no longer lists ${n !== null && of !== null ? `${n} of ${of}` : 'many'} items of ${e.libraryTitle ?? 'this library'}; nothing was removed.`,
      next: 'A disk or share offline on the Plex server is the usual cause. If they are really gone, use “Confirm deletions” on the library card; otherwise keep them.',
      action: null,
    };
  }
  if (e.errorClass === 'auth')
    return {
      label: 'Sign-in',
      tone: 'bad',
      sentence: `${server} refused RetroVue's sign-in (token no longer accepted).`,
      next: 'Sign in again; syncing of this server waits until then.',
      action: 'sign-in',
    };
  if (status !== null && status >= 500)
    return {
      label: 'Server error',
      tone: 'warn',
      sentence: `Plex answered ${status} (server error) for ${subject(e)}.`,
      next: 'Plex may be busy; RetroVue retries automatically at the next sync. Nothing stored was lost.',
      action: 'retry',
    };
  if (status === 429)
    return {
      label: 'Server busy',
      tone: 'warn',
      sentence: `Plex asked RetroVue to slow down (429) for ${subject(e)}.`,
      next: 'RetroVue waits and tries again by itself.',
      action: 'retry',
    };
  switch (e.errorClass) {
    case 'network':
      return e.code === 'SERVER_UNREACHABLE' || /no connection|ECONNREFUSED|unreachable/i.test(e.message)
        ? {
            label: 'Connection',
            tone: 'warn',
            sentence: `Couldn't reach ${server}.`,
            next: 'Check that the Plex server is running and reachable from this computer; RetroVue tries again at the next sync.',
            action: 'retry',
          }
        : {
            label: 'Connection',
            tone: 'warn',
            sentence: `The connection to ${server} broke while reading ${subject(e)}.`,
            next: 'RetroVue retries automatically; nothing stored was lost.',
            action: 'retry',
          };
    case 'timeout':
      return {
        label: 'Timeout',
        tone: 'warn',
        sentence: `${server} took too long to answer for ${subject(e)}.`,
        next: 'RetroVue retries automatically. If it keeps happening, raise “Request timeout” in Settings → Advanced.',
        action: 'retry',
      };
    case 'not_found':
      return {
        label: 'Not found',
        tone: 'info',
        sentence: `Plex no longer has ${subject(e)}.`,
        next: 'It was probably removed or moved in Plex; the next sync catches up by itself.',
        action: null,
      };
    case 'data':
      return {
        label: 'Bad data',
        tone: 'info',
        sentence: `Plex sent data for ${subject(e)} that RetroVue could not read.`,
        next: 'That item was skipped and everything else synced. Refreshing its metadata in Plex usually fixes it.',
        action: 'retry',
      };
    case 'file_system':
      return {
        label: 'Files',
        tone: 'warn',
        sentence: 'A file or folder on this computer could not be read or written.',
        next: 'Check the path mapping in setup and that the share is mounted, then retry.',
        action: 'retry',
      };
    case 'database':
      return {
        label: 'Database',
        tone: 'bad',
        sentence: 'The local database could not be written.',
        next: 'Check free disk space, then restart RetroVue; `retrovue doctor` checks the database.',
        action: 'retry',
      };
  }
}
