import type { FakePlex } from './index';

export interface GetOptions {
  json?: boolean;
  token?: string | null;
  headers?: Record<string, string>;
  method?: string;
  body?: string;
}

/** A plain fetch against the fake PMS (or any base URL), with the token and JSON header by default. */
export async function plexGet(
  fake: FakePlex,
  path: string,
  opts: GetOptions = {},
  base = fake.pmsUrl,
): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.json !== false) headers.Accept = 'application/json';
  // Section listings without a size are refused (as newer servers do); tests that do not page ask for one page.
  const pagedAlready =
    /X-Plex-Container-Size/i.test(path) || Object.keys(headers).some((h) => /container-size/i.test(h));
  if (/^\/library\/sections\/[^/]+\/all(\?|$)/.test(path) && !pagedAlready)
    headers['X-Plex-Container-Size'] = '1000';
  const token = opts.token === undefined ? fake.token : opts.token;
  if (token !== null) headers['X-Plex-Token'] = token;
  return fetch(`${base}${path}`, { method: opts.method ?? 'GET', headers, body: opts.body });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function plexJson(fake: FakePlex, path: string, opts: GetOptions = {}): Promise<Json> {
  const res = await plexGet(fake, path, opts);
  if (res.status !== 200) throw new Error(`${path} → ${res.status}`);
  return (await res.json()) as Json;
}

/** Attribute values of every `<tag ...>` element in an XML body (tests only need flat checks). */
export function xmlElements(xml: string, tag: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  const re = new RegExp(`<${tag}((?:\\s+[A-Za-z0-9_:]+="[^"]*")*)\\s*/?>`, 'g');
  for (const m of xml.matchAll(re)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[1] ?? '').matchAll(/([A-Za-z0-9_:]+)="([^"]*)"/g)) attrs[a[1]!] = unescapeXml(a[2]!);
    out.push(attrs);
  }
  return out;
}

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#(\d+));/g, (_m, name: string, code?: string) =>
    code
      ? String.fromCharCode(Number(code))
      : ({ amp: '&', lt: '<', gt: '>', quot: '"' } as Record<string, string>)[name]!,
  );
}

export const CLIENT_HEADERS = {
  Accept: 'application/json',
  'X-Plex-Client-Identifier': 'fake-plex-test-client',
  'X-Plex-Product': 'RetroVue Test',
  'X-Plex-Version': '0.0.1',
};
