import { deflateSync } from 'node:zlib';
import { hashSeed } from './rng';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

const cache = new Map<string, Buffer>();

/**
 * A small valid RGB PNG whose colours (and so bytes) are derived from `identity`: different items give
 * different images, the same item and stamp always the same bytes (so content hashing can be tested).
 */
export function fakePng(identity: string, width: number, height: number): Buffer {
  const w = Math.max(1, Math.min(512, Math.floor(width)));
  const h = Math.max(1, Math.min(512, Math.floor(height)));
  const key = `${identity}|${w}x${h}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const seed = hashSeed(identity);
  const base = [seed & 0xff, (seed >>> 8) & 0xff, (seed >>> 16) & 0xff];
  const stripe = [(seed >>> 24) & 0xff, base[0]! ^ 0xff, base[2]! ^ 0x55];
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < w; x++) {
      const colour = (x + y) % 7 === seed % 7 ? stripe : base;
      raw[row + 1 + x * 3] = colour[0]!;
      raw[row + 2 + x * 3] = colour[1]!;
      raw[row + 3 + x * 3] = colour[2]!;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  if (cache.size > 5000) cache.clear();
  cache.set(key, png);
  return png;
}
