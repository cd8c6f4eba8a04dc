// Serves the built renderer (dist/renderer) read-only: no directory listings, nothing outside the
// folder, unknown paths fall back to index.html (the app routes on the client).
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Hashed asset names may be cached; index.html must not (it names the current assets). */
  immutable: boolean;
}

/** The file for a URL path, or null. `root` must be absolute. */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rootAbs = resolve(root);
  const candidate = resolve(rootAbs, `.${normalize(`/${decoded}`)}`);
  if (candidate !== rootAbs && !candidate.startsWith(rootAbs + sep)) return null;
  const file = (await isFile(candidate))
    ? candidate
    : extname(decoded) === ''
      ? join(rootAbs, 'index.html')
      : null;
  if (!file || !(await isFile(file))) return null;
  return {
    body: await readFile(file),
    contentType: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    immutable: file.startsWith(join(rootAbs, 'assets') + sep),
  };
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** dist/renderer: beside dist/cli and dist/main when built, under the repository in development. */
export function locateRenderer(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [
    env.RETROVUE_RENDERER_DIR,
    join(__dirname, '..', 'renderer'),
    join(__dirname, '..', '..', 'dist', 'renderer'),
    join(process.cwd(), 'dist', 'renderer'),
  ].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(join(p, 'index.html'))) ?? null;
}
