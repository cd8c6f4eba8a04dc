// The secret that makes `retrovue serve` answer only the person who started it: random, carried in
// the page URL (then a same-site cookie), compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ACCESS_COOKIE = 'retrovue_access';

export function generateAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}
