// A sync allocates a few hundred MB of short-lived objects (parsed pages and detail batches) over a
// live set of about 30 MB. Left alone, V8 grows the young generation to its machine-sized maximum
// and lets the old generation reach about four times the live set before collecting, which is what
// peak RSS measured (~240 MB for a 25K-item library). Both knobs below are read by V8 at every
// collection, so setting them once the process runs works, whatever started it (CLI, daemon,
// Electron main); `--max-semi-space-size` is not, it only counts on the command line. Measured with
// npm run bench: peak RSS ~240 -> ~165 MB (25K items) and ~232 -> ~163 MB (200K episodes); keeping
// the young generation small costs about 3% more sync CPU.
import { setFlagsFromString } from 'node:v8';

/** Young generation stays at its current size; the old generation grows to 2x its live set. */
const SYNC_HEAP_FLAGS = '--semi-space-growth-factor=1 --heap-growing-percent=100';

let applied = false;

/** Applies SYNC_HEAP_FLAGS to this process, once. */
export function limitHeapGrowth(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString(SYNC_HEAP_FLAGS);
}
