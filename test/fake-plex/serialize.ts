/**
 * One in-memory shape for every answer: plain objects whose scalar fields are attributes and whose array
 * fields are child elements. JSON output is that object under `MediaContainer`; XML output walks the same
 * object, so both formats always carry the same data (as on real Plex).
 */
export type Attr = string | number | boolean | undefined;
export interface XNode {
  [key: string]: Attr | XNode[];
}

/** XML element name of a `Metadata` entry (`Video` for movies/episodes, `Directory` for shows/seasons). */
export const XML_TAG = Symbol('xmlTag');
export type TaggedNode = XNode & { [XML_TAG]?: string };

export function toJson(container: XNode): string {
  return JSON.stringify({ MediaContainer: container });
}

export function toXml(container: XNode): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  writeElement(out, 'MediaContainer', container);
  out.push('\n');
  return out.join('');
}

function writeElement(out: string[], name: string, node: TaggedNode): void {
  out.push('<', name);
  let hasChildren = false;
  for (const key in node) {
    const value = node[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length) hasChildren = true;
      continue;
    }
    out.push(
      ' ',
      key,
      '="',
      escapeXml(typeof value === 'boolean' ? (value ? '1' : '0') : String(value)),
      '"',
    );
  }
  if (!hasChildren) {
    out.push(' />');
    return;
  }
  out.push('>');
  for (const key in node) {
    const value = node[key];
    if (!Array.isArray(value)) continue;
    for (const child of value as TaggedNode[]) {
      out.push('\n');
      writeElement(out, child[XML_TAG] ?? key, child);
    }
  }
  out.push('\n</', name, '>');
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

function escapeXml(text: string): string {
  return /[&<>"\n\r\t]/.test(text) ? text.replace(/[&<>"\n\r\t]/g, (c) => XML_ESCAPES[c] ?? c) : text;
}
