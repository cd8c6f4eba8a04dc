// Rasterises assets/icon.svg (the one icon source) into the PNGs the app and its installers need:
// assets/icons/<n>x<n>.png (16-1024) and the tray icons assets/tray/tray-<state>[@2x].png, each
// tray state marked by a coloured dot. No downloads, no native modules: the icon sticks to
// <rect rx>, <circle> and <polygon>, which are drawn here with 4x4 supersampling and written as
// PNG with node:zlib. Run: npm run icons
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
export const TRAY_SIZE = 32;
/** The status dot of each tray state (idle has none). */
export const TRAY_STATES = { idle: null, syncing: '#3b82f6', error: '#ef4444', login: '#f59e0b' } as const;

type Rgba = [number, number, number, number];

export type Shape =
  | { kind: 'rect'; x: number; y: number; width: number; height: number; rx: number; fill: Rgba }
  | { kind: 'circle'; cx: number; cy: number; r: number; fill: Rgba }
  | { kind: 'polygon'; points: [number, number][]; fill: Rgba };

export interface Drawing {
  width: number;
  height: number;
  shapes: Shape[];
}

function parseColor(value: string | undefined): Rgba {
  const m = /^#([0-9a-f]{6})$/i.exec(value ?? '');
  if (!m) throw new Error(`icon.svg: fill must be #rrggbb, got ${String(value)}`);
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z:-]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

function num(attrs: Record<string, string>, name: string, fallback?: number): number {
  const raw = attrs[name];
  if (raw === undefined && fallback !== undefined) return fallback;
  const n = Number(raw);
  if (raw === undefined || !Number.isFinite(n))
    throw new Error(`icon.svg: ${name}="${String(raw)}" is not a number`);
  return n;
}

/** Reads the subset of SVG the icon uses; anything else is an error, not a silent omission. */
export function parseIconSvg(svg: string): Drawing {
  const body = svg.replace(/<!--[\s\S]*?-->/g, '');
  const root = /<svg\b[^>]*>/.exec(body)?.[0];
  if (!root) throw new Error('icon.svg: no <svg> element');
  const rootAttrs = attributes(root);
  const drawing: Drawing = { width: num(rootAttrs, 'width'), height: num(rootAttrs, 'height'), shapes: [] };
  for (const m of body.matchAll(/<([a-zA-Z]+)\b[^>]*\/?>/g)) {
    const [tag, name] = [m[0], m[1]!];
    if (name === 'svg') continue;
    const a = attributes(tag);
    if (name === 'rect') {
      drawing.shapes.push({
        kind: 'rect',
        x: num(a, 'x', 0),
        y: num(a, 'y', 0),
        width: num(a, 'width'),
        height: num(a, 'height'),
        rx: num(a, 'rx', 0),
        fill: parseColor(a.fill),
      });
    } else if (name === 'circle') {
      drawing.shapes.push({
        kind: 'circle',
        cx: num(a, 'cx'),
        cy: num(a, 'cy'),
        r: num(a, 'r'),
        fill: parseColor(a.fill),
      });
    } else if (name === 'polygon') {
      const values = (a.points ?? '')
        .trim()
        .split(/[\s,]+/)
        .map(Number);
      if (values.length < 6 || values.length % 2 !== 0 || values.some((v) => !Number.isFinite(v)))
        throw new Error('icon.svg: bad polygon points');
      const points: [number, number][] = [];
      for (let i = 0; i < values.length; i += 2) points.push([values[i]!, values[i + 1]!]);
      drawing.shapes.push({ kind: 'polygon', points, fill: parseColor(a.fill) });
    } else {
      throw new Error(
        `icon.svg: <${name}> is not supported by the icon rasteriser (use rect, circle, polygon)`,
      );
    }
  }
  return drawing;
}

function inside(shape: Shape, x: number, y: number): boolean {
  switch (shape.kind) {
    case 'rect': {
      if (x < shape.x || y < shape.y || x > shape.x + shape.width || y > shape.y + shape.height) return false;
      const r = Math.min(shape.rx, shape.width / 2, shape.height / 2);
      const cx = Math.min(Math.max(x, shape.x + r), shape.x + shape.width - r);
      const cy = Math.min(Math.max(y, shape.y + r), shape.y + shape.height - r);
      return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
    }
    case 'circle':
      return (x - shape.cx) ** 2 + (y - shape.cy) ** 2 <= shape.r * shape.r;
    case 'polygon': {
      let odd = false;
      const p = shape.points;
      for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
        const [xi, yi] = p[i]!;
        const [xj, yj] = p[j]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
      }
      return odd;
    }
  }
}

const SAMPLES = 4;

/** RGBA pixels of the drawing at size x size, shapes painted in order with "over" blending. */
export function rasterise(drawing: Drawing, size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const sx = drawing.width / size;
  const sy = drawing.height / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let s = 0; s < SAMPLES * SAMPLES; s++) {
        const x = (px + ((s % SAMPLES) + 0.5) / SAMPLES) * sx;
        const y = (py + (Math.floor(s / SAMPLES) + 0.5) / SAMPLES) * sy;
        let colour: Rgba | null = null;
        for (const shape of drawing.shapes) if (inside(shape, x, y)) colour = shape.fill;
        if (colour) {
          r += colour[0];
          g += colour[1];
          b += colour[2];
          a += 255;
        }
      }
      const n = SAMPLES * SAMPLES;
      const covered = a / 255;
      const i = (py * size + px) * 4;
      // Colours are averaged over covered samples only (straight alpha, as PNG expects).
      pixels[i] = covered ? Math.round(r / covered) : 0;
      pixels[i + 1] = covered ? Math.round(g / covered) : 0;
      pixels[i + 2] = covered ? Math.round(b / covered) : 0;
      pixels[i + 3] = Math.round(a / n);
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG. */
export function encodePng(rgba: Buffer, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++)
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function withStatusDot(drawing: Drawing, colour: string | null): Drawing {
  if (!colour) return drawing;
  const r = drawing.width * 0.2;
  return {
    ...drawing,
    shapes: [
      ...drawing.shapes,
      { kind: 'circle', cx: drawing.width - r, cy: drawing.height - r, r, fill: [255, 255, 255, 255] },
      {
        kind: 'circle',
        cx: drawing.width - r,
        cy: drawing.height - r,
        r: r * 0.78,
        fill: parseColor(colour),
      },
    ],
  };
}

export function makeIcons(assetsDir: string): string[] {
  const drawing = parseIconSvg(readFileSync(join(assetsDir, 'icon.svg'), 'utf8'));
  const written: string[] = [];
  const write = (file: string, d: Drawing, size: number) => {
    writeFileSync(file, encodePng(rasterise(d, size), size, size));
    written.push(file);
  };
  mkdirSync(join(assetsDir, 'icons'), { recursive: true });
  mkdirSync(join(assetsDir, 'tray'), { recursive: true });
  for (const size of ICON_SIZES) write(join(assetsDir, 'icons', `${size}x${size}.png`), drawing, size);
  for (const [state, colour] of Object.entries(TRAY_STATES)) {
    const d = withStatusDot(drawing, colour);
    write(join(assetsDir, 'tray', `tray-${state}.png`), d, TRAY_SIZE);
    write(join(assetsDir, 'tray', `tray-${state}@2x.png`), d, TRAY_SIZE * 2);
  }
  return written;
}

if (require.main === module) {
  const assets = join(__dirname, '..', '..', '..', 'assets');
  const files = makeIcons(assets);
  process.stdout.write(`wrote ${files.length} icons to ${assets}\n`);
}
