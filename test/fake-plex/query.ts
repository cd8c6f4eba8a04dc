import type { ListedItem } from './types';

/** Query parameters in order, decoded; names keep operator characters (`updatedAt>>`) as Plex parses them. */
export class QueryParams {
  readonly pairs: Array<[string, string]>;

  constructor(rawQuery: string) {
    this.pairs = [];
    if (!rawQuery) return;
    for (const piece of rawQuery.split('&')) {
      if (!piece) continue;
      const eq = piece.indexOf('=');
      const name = eq < 0 ? piece : piece.slice(0, eq);
      const value = eq < 0 ? '' : piece.slice(eq + 1);
      this.pairs.push([decode(name), decode(value)]);
    }
  }

  get(name: string): string | undefined {
    for (let i = this.pairs.length - 1; i >= 0; i--) if (this.pairs[i]![0] === name) return this.pairs[i]![1];
    return undefined;
  }

  flag(name: string): boolean {
    const value = this.get(name);
    return value === '1' || value === 'true';
  }

  list(name: string): Set<string> | undefined {
    const value = this.get(name);
    return value ? new Set(value.split(',').filter(Boolean)) : undefined;
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

const DATE_FIELDS = new Set(['addedAt', 'updatedAt', 'originallyAvailableAt', 'lastViewedAt']);
const INT_FIELDS = new Set(['year', 'index', 'duration']);

type Predicate = (item: ListedItem) => boolean;

/**
 * Filters from query parameters, following real PMS: the operator is part of the parameter *name*
 * (`updatedAt>>=123` is name `updatedAt>>`, value `123`). Names with `=` inside them (sent as
 * `updatedAt%3E%3E%3D=123` or `updatedAt%3E%3D=123`) and unknown fields are silently ignored, so the answer is
 * then everything (see plex-api-notes §4.4).
 */
export function buildFilters(query: QueryParams, nowSeconds: number): Predicate[] {
  const out: Predicate[] = [];
  for (const [rawName, rawValue] of query.pairs) {
    const match = /^([A-Za-z.]+)(>>|<<|>|<|!)?$/.exec(rawName);
    if (!match) continue;
    const field = match[1]!;
    const op = match[2] ?? '=';
    if (!DATE_FIELDS.has(field) && !INT_FIELDS.has(field)) continue;
    const values = rawValue.split(',').map((v) => parseValue(field, v, nowSeconds));
    if (values.some((v) => v === undefined)) continue;
    const numbers = values as number[];
    const read = (item: ListedItem): number | undefined => fieldValue(item, field);
    switch (op) {
      case '>>':
      case '>':
        out.push((item) => compare(read(item), (v) => numbers.some((n) => v > n)));
        break;
      case '<<':
      case '<':
        out.push((item) => compare(read(item), (v) => numbers.some((n) => v < n)));
        break;
      case '!':
        out.push((item) => read(item) === undefined || !numbers.includes(read(item)!));
        break;
      default:
        out.push((item) => compare(read(item), (v) => numbers.includes(v)));
    }
  }
  return out;
}

function compare(value: number | undefined, test: (v: number) => boolean): boolean {
  return value !== undefined && test(value);
}

function parseValue(field: string, value: string, nowSeconds: number): number | undefined {
  if (DATE_FIELDS.has(field)) {
    const relative = /^-(\d+)(mon|m|h|d|w|y)$/.exec(value);
    if (relative) {
      const unit: Record<string, number> = {
        m: 60,
        h: 3600,
        d: 86_400,
        w: 604_800,
        mon: 2_592_000,
        y: 31_536_000,
      };
      return nowSeconds - Number(relative[1]) * unit[relative[2]!]!;
    }
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Math.floor(Date.parse(`${value}T00:00:00Z`) / 1000);
  }
  return /^-?\d+$/.test(value) ? Number(value) : undefined;
}

function fieldValue(item: ListedItem, field: string): number | undefined {
  switch (field) {
    case 'addedAt':
      return item.addedAt;
    case 'updatedAt':
      return item.updatedAt;
    case 'originallyAvailableAt':
      return item.originallyAvailableAt
        ? Math.floor(Date.parse(`${item.originallyAvailableAt}T00:00:00Z`) / 1000)
        : undefined;
    case 'year':
      return item.year;
    case 'index':
      return item.type === 'season' || item.type === 'episode' ? item.index : undefined;
    case 'duration':
      return item.type === 'movie' || item.type === 'episode' ? item.duration : undefined;
    default:
      return undefined;
  }
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

const SORT_KEYS: Record<string, (item: ListedItem) => string | number | undefined> = {
  titleSort: (i) => i.titleSort ?? i.title,
  title: (i) => i.title,
  addedAt: (i) => i.addedAt,
  updatedAt: (i) => i.updatedAt,
  year: (i) => i.year,
  originallyAvailableAt: (i) => i.originallyAvailableAt,
  rating: (i) => i.rating,
  index: (i) => (i.type === 'season' || i.type === 'episode' ? i.index : undefined),
  duration: (i) => (i.type === 'movie' || i.type === 'episode' ? i.duration : undefined),
  // The ratingKey sorts as `id`: PMS accepts it without listing it among a section's sorts
  // (python-plexapi plexapi/library.py `_manualSorts`: ('id', 'asc', 'Rating Key'), "available but not
  // exposed on the Plex server"). No source shows `sort=ratingKey`, so the fake ignores it as unknown.
  id: (i) => Number(i.ratingKey),
};

/**
 * A comparator for `sort=a:desc,b` (fields joined by `,`, each ascending unless `:desc`, optional
 * `:nullsLast`: developer.plex.tv "Sorting", in LukeHagar/plex-api-spec description.md); unknown
 * fields are ignored (Plex then keeps its default order).
 */
export function buildSort(
  sort: string | undefined,
): { key: string; compare: (a: ListedItem, b: ListedItem) => number } | undefined {
  if (!sort) return undefined;
  const parts = sort
    .split(',')
    .map((p) => {
      const [field, ...mods] = p.split(':');
      const read = field ? SORT_KEYS[field] : undefined;
      return read ? { read, desc: mods.includes('desc'), nullsLast: mods.includes('nullsLast') } : undefined;
    })
    .filter((p) => p !== undefined);
  if (!parts.length) return undefined;
  const compare = (a: ListedItem, b: ListedItem): number => {
    for (const { read, desc, nullsLast } of parts) {
      const va = read(a);
      const vb = read(b);
      if (va === vb) continue;
      if (va === undefined) return nullsLast ? 1 : desc ? 1 : -1;
      if (vb === undefined) return nullsLast ? -1 : desc ? -1 : 1;
      const c =
        typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
      if (c !== 0) return desc ? -c : c;
    }
    return Number(a.ratingKey) - Number(b.ratingKey);
  };
  return { key: sort, compare };
}

export interface Paging {
  start: number;
  size: number | undefined;
  /** Whether the client sent any paging parameter (then the answer carries totalSize). */
  paged: boolean;
}

/** `X-Plex-Container-Start/Size` from the query string or the headers (query wins, as both are accepted). */
export function readPaging(
  query: QueryParams,
  headers: Record<string, string | string[] | undefined>,
): Paging {
  const pick = (name: string): number | undefined => {
    const raw = query.get(name) ?? headerValue(headers, name.toLowerCase());
    if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
    return Number(raw.trim());
  };
  const start = pick('X-Plex-Container-Start');
  const size = pick('X-Plex-Container-Size');
  return { start: start ?? 0, size, paged: start !== undefined || size !== undefined };
}

export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
