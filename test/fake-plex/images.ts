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

/** Packs Huffman codes MSB first, stuffing a 0x00 after every 0xFF as JPEG entropy data needs. */
class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >>> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }

  finish(): Buffer {
    while (this.n !== 0) this.write(1, 1);
    return Buffer.from(this.bytes);
  }

  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0);
    this.acc = 0;
    this.n = 0;
  }
}

const segment = (marker: number, data: Buffer) => {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
};

/** DC difference category (bit length of |diff|) and its extra bits, per JPEG F.1.2.1. */
function dcBits(diff: number): [number, number] {
  const mag = Math.abs(diff);
  const cat = mag === 0 ? 0 : Math.floor(Math.log2(mag)) + 1;
  return [cat, diff >= 0 ? diff : diff + (1 << cat) - 1];
}

const jpegCache = new Map<string, Buffer>();

/**
 * A decodable baseline JPEG of `width`×`height` (a vertical colour gradient derived from
 * `identity`), padded with comment segments to `bytes`. Every 8×8 block is flat (DC only), with
 * one DC table whose 12 categories all have 4-bit codes and an AC table holding only end-of-block,
 * so the encoder stays a few lines while browsers still draw the picture.
 */
export function fakeJpeg(identity: string, width: number, height: number, bytes: number): Buffer {
  const w = Math.max(8, Math.min(4096, Math.floor(width)));
  const h = Math.max(8, Math.min(4096, Math.floor(height)));
  const key = `${identity}|${w}x${h}|${bytes}`;
  const hit = jpegCache.get(key);
  if (hit) return hit;
  const seed = hashSeed(identity);
  const top = [seed & 0xff, (seed >>> 8) & 0xff, (seed >>> 16) & 0xff];
  const bottom = top.map((c) => 255 - c);
  const ycc = (r: number, g: number, b: number) => [
    0.299 * r + 0.587 * g + 0.114 * b,
    128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
    128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
  ];
  const cols = Math.ceil(w / 8);
  const rows = Math.ceil(h / 8);
  const bits = new BitWriter();
  const previous = [0, 0, 0];
  for (let by = 0; by < rows; by++) {
    const t = rows === 1 ? 0 : by / (rows - 1);
    const rgb = top.map((c, i) => c + (bottom[i]! - c) * t);
    // With all quantisers 1 a flat block's DC coefficient is 8 × (sample − 128).
    const dc = ycc(rgb[0]!, rgb[1]!, rgb[2]!).map((v) =>
      Math.round((Math.min(255, Math.max(0, v)) - 128) * 8),
    );
    for (let bx = 0; bx < cols; bx++) {
      for (let c = 0; c < 3; c++) {
        const [cat, extra] = dcBits(dc[c]! - previous[c]!);
        previous[c] = dc[c]!;
        bits.write(cat, 4);
        if (cat > 0) bits.write(extra, cat);
        bits.write(0, 1); // end of block
      }
    }
  }
  const sof = Buffer.alloc(15);
  sof[0] = 8;
  sof.writeUInt16BE(h, 1);
  sof.writeUInt16BE(w, 3);
  sof[5] = 3;
  for (let c = 0; c < 3; c++) sof.set([c + 1, 0x11, 0], 6 + c * 3);
  const dqt = Buffer.alloc(65, 1);
  dqt[0] = 0;
  const dcTable = Buffer.from([
    0x00,
    0,
    0,
    0,
    12,
    ...new Array<number>(12).fill(0),
    ...Array.from({ length: 12 }, (_, i) => i),
  ]);
  const acTable = Buffer.from([0x10, 1, ...new Array<number>(15).fill(0), 0x00]);
  const sos = Buffer.from([3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]);
  const parts: Buffer[] = [
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])),
    segment(0xdb, dqt),
    segment(0xc0, sof),
    segment(0xc4, Buffer.concat([dcTable, acTable])),
  ];
  const entropy = bits.finish();
  const fixed = parts.reduce((n, p) => n + p.length, 0) + 12 + entropy.length + 2;
  let padding = bytes - fixed;
  while (padding > 4) {
    const size = Math.min(65533, padding - 4);
    parts.push(segment(0xfe, Buffer.alloc(size, 0x20)));
    padding -= size + 4;
  }
  parts.push(segment(0xda, sos), entropy, Buffer.from([0xff, 0xd9]));
  const jpeg = Buffer.concat(parts);
  if (jpegCache.size > 2000) jpegCache.clear();
  jpegCache.set(key, jpeg);
  return jpeg;
}
