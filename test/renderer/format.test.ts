// The renderer's wording of times, sizes and durations.
import { describe, expect, it } from 'vitest';
import { bytes, relativeTime, runtime, seconds, timecode, toMillis } from '../../src-renderer/lib/format';

describe('format', () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0);

  it('says how long ago or how soon, against the given clock', () => {
    expect(relativeTime(now - 120_000, now)).toBe('2 minutes ago');
    expect(relativeTime(now + 5 * 3_600_000, now)).toBe('in 5 hours');
    expect(relativeTime(null, now)).toBe('never');
  });

  it('reads Plex second stamps and our millisecond stamps alike', () => {
    const ms = Date.UTC(2020, 0, 1);
    expect(toMillis(ms / 1000)).toBe(ms);
    expect(toMillis(ms)).toBe(ms);
    expect(toMillis(null)).toBeNull();
  });

  it('words durations, ETAs, runtimes, chapter positions and sizes', () => {
    expect(seconds(0.4)).toBe('< 1 s');
    expect(seconds(21.5)).toBe('22 s');
    expect(seconds(3725)).toBe('1 h 2 min');
    expect(seconds(null)).toBe('—');
    expect(runtime(7_020_000)).toBe('1 h 57 min');
    expect(timecode(3_725_000)).toBe('1:02:05');
    expect(timecode(65_000)).toBe('1:05');
    expect(bytes(4_200_000_000)).toBe('3.9 GB');
    expect(bytes(512)).toBe('512 B');
  });
});
