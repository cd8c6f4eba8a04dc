/** Polls `probe` until it gives a value (anything but undefined or false); fails naming `what`. */
export async function pollUntil<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs: number,
  intervalMs = 20,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
