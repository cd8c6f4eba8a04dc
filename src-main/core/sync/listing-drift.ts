// Paging drift: Plex pages by offset, so an item removed (or added) before the page being fetched
// shifts every later item by one. A removal makes the item at the page boundary slide back onto a
// page already fetched (skipped); an addition makes one slide forward (listed twice, which the
// seen keys absorb). The only sign a client gets is `totalSize` changing from one page to the next.
//
// Recovery lists again only the stretch that can have shifted: before each page whose totalSize
// differs from the page before it, as many positions as the total has moved in this listing so far
// (the skipped items can be no further back than that), and for a bounded stretch listed again
// also as many past its end (an addition pushes items out of it). Items listed twice cost nothing
// (their etag is unchanged); a stretch that moves again is listed again, a few times at most.
//
// What this cannot see: an addition and a removal between the same two pages leave totalSize alone,
// and an item added before the current offset is not listed at all. So a listing that drifted never
// decides deletions (the caller marks it flawed); the next run lists again.

/** Positions of one listing walk: `end` null = to the end of the list. */
export interface ListingRange {
  start: number;
  end: number | null;
}

interface Boundary {
  offset: number;
  range: ListingRange;
}

/** Follows one phase's walks: the totalSize each page reported, and where it moved. */
export class DriftWatch {
  private total: number | null = null;
  private boundaries: Boundary[] = [];
  /** How far the total has moved in this listing, all walks together. */
  private moved = 0;

  /** A page as the walk of `range` met it (pages arrive in offset order). */
  see(range: ListingRange, offset: number, totalSize: number | null): void {
    if (totalSize === null) return;
    if (this.total !== null && totalSize !== this.total) {
      this.moved += Math.abs(totalSize - this.total);
      this.boundaries.push({ offset, range });
    }
    this.total = totalSize;
  }

  /** Whether any walk so far saw the list move. */
  get drifted(): boolean {
    return this.moved > 0;
  }

  /** The stretches to list again for the moves seen since the last call, merged; empty when none. */
  takeRanges(): ListingRange[] {
    const span = this.moved;
    const wanted = this.boundaries.map(({ offset, range }) => ({
      start: Math.max(0, offset - span),
      end: range.end === null ? offset : Math.max(offset, range.end + span),
    }));
    this.boundaries = [];
    return mergeRanges(wanted);
  }
}

function mergeRanges(ranges: ListingRange[]): ListingRange[] {
  const sorted = ranges.filter((r) => r.end === null || r.end > r.start).sort((a, b) => a.start - b.start);
  const out: ListingRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && (last.end === null || r.start <= last.end)) {
      last.end = last.end === null || r.end === null ? null : Math.max(last.end, r.end);
    } else out.push({ ...r });
  }
  return out;
}
