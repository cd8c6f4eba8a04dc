// The service's side of the artwork queue: a fill runs when no sync is running or waiting, stops
// (and gives the connection back) the moment one starts, and pauses with the service.
import { CancelledError, describeError } from '../errors/errors';
import type { PrefetchSelection } from '../store/repositories/artwork-repository';
import type { ArtworkFillResult, ArtworkQueue } from './artwork-queue';

export interface BackgroundFillOptions {
  queue: ArtworkQueue;
  selection: () => PrefetchSelection;
  /** artwork_cache: prefetching at all. */
  enabled: () => boolean;
  onFilled?: (result: ArtworkFillResult) => void;
  onError?: (message: string) => void;
}

export class BackgroundFill {
  private controller: AbortController | null = null;
  private running: Promise<void> | null = null;
  private paused = true;
  private syncing = false;
  private again = false;

  constructor(private readonly o: BackgroundFillOptions) {}

  get active(): boolean {
    return this.running !== null;
  }

  /** The service runs (or resumed). */
  resume(): void {
    this.paused = false;
    this.kick();
  }

  pause(): void {
    this.paused = true;
    this.controller?.abort();
  }

  /** Whether a sync is running or waiting: the fill yields to it. */
  setSyncing(syncing: boolean): void {
    this.syncing = syncing;
    if (syncing) this.controller?.abort();
    else this.kick();
  }

  /** Starts a fill if nothing stands in its way (new items may have been stored). */
  kick(): void {
    if (this.paused || this.syncing || !this.o.enabled()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = null));
  }

  async stop(): Promise<void> {
    this.pause();
    await this.running;
  }

  /** Resolves when no fill is running. */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      const controller = (this.controller = new AbortController());
      try {
        this.o.onFilled?.(await this.o.queue.fill(this.o.selection(), { signal: controller.signal }));
      } catch (err) {
        if (!(err instanceof CancelledError)) this.o.onError?.(`artwork fill failed: ${describeError(err)}`);
      } finally {
        this.controller = null;
      }
    } while (this.again && !this.paused && !this.syncing);
  }
}
