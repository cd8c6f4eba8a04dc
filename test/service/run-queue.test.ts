import { describe, expect, it } from 'vitest';
import type { ServiceEvent } from '../../src-shared/service-events';
import { RunQueue, type RunOutcome } from '../../src-main/core/service/run-queue';
import { CircuitBreakers } from '../../src-main/core/errors/circuit-breaker';
import { PlexDataError, PlexNetworkError, UserError } from '../../src-main/core/errors/errors';
import { controlledRunner, flush } from './controlled-runner';

function setup(opts: { concurrency?: number; libraries?: number; maxConsecutiveErrors?: number } = {}) {
  const runner = controlledRunner();
  const events: ServiceEvent[] = [];
  const outcomes: RunOutcome[] = [];
  let now = 1_000_000;
  const concurrency = { value: opts.concurrency ?? 2 };
  const breakers = new CircuitBreakers({
    maxConsecutiveErrors: opts.maxConsecutiveErrors ?? 3,
    cooldownMs: 60_000,
    now: () => now,
  });
  const queue = new RunQueue({
    runner: runner.runner,
    concurrency: () => concurrency.value,
    // Libraries 1..n; odd ones on server 1, even ones on server 2.
    libraryInfo: (id) =>
      id >= 1 && id <= (opts.libraries ?? 6)
        ? { title: `Library ${id}`, serverId: id % 2 === 1 ? 1 : 2 }
        : undefined,
    emit: (e) => events.push(e),
    now: () => ++now,
    breakers,
    onRunEnded: (o) => outcomes.push(o),
    // As the service does from sync_errors: the class of what the failed run recorded.
    failureClass: (result) =>
      result.errorMessage?.includes('401')
        ? 'auth'
        : result.errorMessage?.includes('payload')
          ? 'data'
          : 'network',
  });
  const advance = (ms: number) => (now += ms);
  return { queue, runner, events, outcomes, concurrency, advance, breakers };
}

const waiting = (q: RunQueue) => q.snapshot().filter((e) => e.status === 'queued');

describe('run queue', () => {
  it('never runs more than concurrent_scans at once and starts the next as one finishes', async () => {
    const { queue, runner } = setup({ concurrency: 2 });
    for (const id of [1, 2, 3, 4])
      expect(queue.request({ libraryId: id, kind: 'incremental', trigger: 'schedule' })).toBe('queued');
    await flush();
    expect(runner.active().map((r) => r.libraryId)).toEqual([1, 2]);
    expect(waiting(queue).map((e) => e.libraryId)).toEqual([3, 4]);
    runner.of(2).finish();
    await flush();
    expect(runner.active().map((r) => r.libraryId)).toEqual([1, 3]);
    runner.of(1).finish();
    runner.of(3).finish();
    await flush();
    expect(runner.active().map((r) => r.libraryId)).toEqual([4]);
    runner.of(4).finish();
    await queue.whenIdle();
    expect(runner.calls.map((c) => c.libraryId)).toEqual([1, 2, 3, 4]);
  });

  it('merges a duplicate request with the waiting one; a deep scan upgrades a queued refresh', async () => {
    const { queue, runner } = setup({ concurrency: 1 });
    queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' });
    queue.request({ libraryId: 2, kind: 'incremental', trigger: 'schedule', scheduleId: 10 });
    expect(queue.request({ libraryId: 2, kind: 'incremental', trigger: 'push' })).toBe('merged');
    expect(queue.request({ libraryId: 2, kind: 'deep', trigger: 'schedule', scheduleId: 11 })).toBe('merged');
    // A weaker request never downgrades.
    expect(queue.request({ libraryId: 2, kind: 'incremental', trigger: 'manual' })).toBe('merged');
    expect(waiting(queue)).toHaveLength(1);
    expect(waiting(queue)[0]).toMatchObject({ libraryId: 2, kind: 'deep' });
    await flush();
    runner.of(1).finish();
    await flush();
    expect(runner.of(2).kind).toBe('deep');
    runner.of(2).finish();
    await queue.whenIdle();
    expect(runner.calls.filter((c) => c.libraryId === 2)).toHaveLength(1);
  });

  it('never runs one library twice at once: a covered request is folded in, a pushed change gets one follow-up', async () => {
    const { queue, runner, events, outcomes } = setup({ concurrency: 4 });
    queue.request({ libraryId: 1, kind: 'deep', trigger: 'manual' });
    await flush();
    expect(queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule', scheduleId: 7 })).toBe(
      'covered',
    );
    expect(events.at(-1)).toMatchObject({
      type: 'skipped',
      libraryId: 1,
      reason: 'merged with the run in progress',
    });
    expect(queue.request({ libraryId: 1, kind: 'incremental', trigger: 'push' })).toBe('follow_up');
    expect(queue.request({ libraryId: 1, kind: 'incremental', trigger: 'push' })).toBe('merged');
    await flush();
    expect(runner.active()).toHaveLength(1);
    runner.of(1).finish();
    await flush();
    // The schedule that was folded in hears how the run it joined went.
    expect(outcomes[0]).toMatchObject({ libraryId: 1, status: 'succeeded', scheduleIds: [7] });
    expect(runner.active().map((r) => [r.libraryId, r.trigger])).toEqual([[1, 'push']]);
    runner.of(1).finish();
    await queue.whenIdle();
    expect(runner.calls).toHaveLength(2);
  });

  it('"sync now" jumps ahead of waiting work but behind earlier "sync now" requests', async () => {
    const { queue, runner } = setup({ concurrency: 1 });
    for (const id of [1, 2, 3]) queue.request({ libraryId: id, kind: 'incremental', trigger: 'schedule' });
    queue.request({ libraryId: 4, kind: 'incremental', trigger: 'manual', jump: true });
    queue.request({ libraryId: 5, kind: 'incremental', trigger: 'manual', jump: true });
    // Jumping also applies to a request already waiting.
    queue.request({ libraryId: 3, kind: 'incremental', trigger: 'manual', jump: true });
    expect(waiting(queue).map((e) => e.libraryId)).toEqual([4, 5, 3, 2]);
    expect(waiting(queue).find((e) => e.libraryId === 3)?.trigger).toBe('manual');
    for (let i = 0; i < 5; i++) {
      await flush();
      runner.active()[0]!.finish();
    }
    await queue.whenIdle();
    expect(runner.calls.map((c) => c.libraryId)).toEqual([1, 4, 5, 3, 2]);
  });

  it('pause interrupts runs in flight and holds the queue; resume continues them first', async () => {
    const { queue, runner, events } = setup({ concurrency: 2 });
    for (const id of [1, 2, 3]) queue.request({ libraryId: id, kind: 'incremental', trigger: 'schedule' });
    await flush();
    const first = runner.of(1);
    queue.pause();
    await flush();
    expect(first.context.signal.aborted).toBe(true);
    expect(runner.active()).toHaveLength(0);
    expect(events.some((e) => e.type === 'paused')).toBe(true);
    // Requests while paused wait.
    queue.request({ libraryId: 4, kind: 'incremental', trigger: 'push' });
    await flush();
    expect(runner.active()).toHaveLength(0);
    expect(waiting(queue).map((e) => [e.libraryId, e.trigger])).toEqual([
      [1, 'resume'],
      [2, 'resume'],
      [3, 'schedule'],
      [4, 'push'],
    ]);
    await queue.whenIdle(); // paused counts as idle
    queue.resume();
    await flush();
    expect(runner.active().map((r) => [r.libraryId, r.trigger])).toEqual([
      [1, 'resume'],
      [2, 'resume'],
    ]);
    expect(events.some((e) => e.type === 'resumed')).toBe(true);
  });

  it('cancel drops a waiting request and stops a running one without re-queueing it', async () => {
    const { queue, runner, outcomes } = setup({ concurrency: 1 });
    queue.request({ libraryId: 1, kind: 'incremental', trigger: 'manual' });
    queue.request({ libraryId: 2, kind: 'incremental', trigger: 'manual' });
    await flush();
    queue.cancel(2);
    expect(waiting(queue)).toHaveLength(0);
    queue.cancel(1);
    await queue.whenIdle();
    expect(outcomes).toMatchObject([{ libraryId: 1, status: 'interrupted' }]);
    expect(queue.snapshot()).toEqual([]);
    expect(runner.calls).toHaveLength(1);
  });

  it('reports a failure with its error class and cools a server down after repeated failures', async () => {
    const { queue, runner, events } = setup({ concurrency: 1, maxConsecutiveErrors: 2 });
    queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' });
    await flush();
    runner.of(1).fail(new PlexNetworkError('connect ECONNREFUSED'));
    await flush();
    expect(events.find((e) => e.type === 'failed')).toMatchObject({
      libraryId: 1,
      errorClass: 'network',
      runId: 1,
    });
    expect(queue.serverState(1)).toEqual({ consecutiveErrors: 1, cooldownUntil: null });
    queue.request({ libraryId: 3, kind: 'incremental', trigger: 'schedule' }); // same server
    queue.request({ libraryId: 5, kind: 'incremental', trigger: 'schedule' }); // same server, waits
    await flush();
    runner.of(3).finish('failed', 'server said 500');
    await flush();
    // A run that ended as failed (the engine records its own errors) is reported like a thrown one.
    expect(events.filter((e) => e.type === 'failed').at(-1)).toMatchObject({
      libraryId: 3,
      errorClass: 'network',
      message: 'server said 500',
    });
    expect(queue.serverState(1).consecutiveErrors).toBe(2);
    expect(queue.serverState(1).cooldownUntil).not.toBeNull();
    expect(events.some((e) => e.type === 'server_cooldown' && e.serverId === 1)).toBe(true);
    // Waiting scheduled work for that server was dropped; new scheduled requests are refused...
    expect(waiting(queue)).toHaveLength(0);
    expect(queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' })).toBe('skipped');
    // ...but other servers and a person's "sync now" still go through.
    expect(queue.request({ libraryId: 2, kind: 'incremental', trigger: 'schedule' })).toBe('queued');
    expect(queue.request({ libraryId: 1, kind: 'incremental', trigger: 'manual' })).toBe('queued');
    await flush();
    runner.of(2).finish();
    await flush();
    runner.of(1).finish();
    await queue.whenIdle();
    expect(queue.serverState(1)).toEqual({ consecutiveErrors: 0, cooldownUntil: null });
  });

  it('a cooldown ends with one trial run: the others wait for its verdict, success closes the circuit', async () => {
    const { queue, runner, events, advance, breakers } = setup({ concurrency: 3, maxConsecutiveErrors: 1 });
    queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' });
    await flush();
    runner.of(1).fail(new PlexNetworkError('connect ECONNREFUSED'));
    await flush();
    expect(events.filter((e) => e.type === 'server_cooldown')).toHaveLength(1);
    expect(queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' })).toBe('skipped');
    advance(60_001);
    expect(queue.serverState(1)).toEqual({ consecutiveErrors: 1, cooldownUntil: null });
    expect(breakers.status(1).state).toBe('half_open');
    // Half open: the first request is the trial; the others on that server wait, other servers run.
    expect(queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' })).toBe('queued');
    expect(queue.request({ libraryId: 3, kind: 'incremental', trigger: 'push' })).toBe('queued');
    expect(queue.request({ libraryId: 2, kind: 'incremental', trigger: 'schedule' })).toBe('queued');
    await flush();
    expect(
      runner
        .active()
        .map((r) => r.libraryId)
        .sort(),
    ).toEqual([1, 2]);
    expect(waiting(queue).map((e) => e.libraryId)).toEqual([3]);
    runner.of(1).finish();
    await flush();
    expect(breakers.status(1).state).toBe('closed');
    expect(
      runner
        .active()
        .map((r) => r.libraryId)
        .sort(),
    ).toEqual([2, 3]);
    runner.of(2).finish();
    runner.of(3).finish();
    await queue.whenIdle();
    expect(queue.serverState(1)).toEqual({ consecutiveErrors: 0, cooldownUntil: null });
  });

  it('a trial interrupted by a pause gives its turn back, so the resumed run can be the trial', async () => {
    const { queue, runner, advance, breakers } = setup({ concurrency: 1, maxConsecutiveErrors: 1 });
    queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' });
    await flush();
    runner.of(1).fail(new PlexNetworkError('connect ECONNREFUSED'));
    await flush();
    advance(60_001);
    queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' });
    await flush();
    queue.pause();
    await flush();
    expect(runner.active()).toEqual([]);
    expect(breakers.status(1).state).toBe('half_open');
    queue.resume();
    await flush();
    expect(runner.active().map((r) => [r.libraryId, r.trigger])).toEqual([[1, 'resume']]);
    runner.of(1).finish();
    await queue.whenIdle();
    expect(breakers.status(1).state).toBe('closed');
  });

  it('a failed trial opens the circuit again and drops the waiting scheduled work', async () => {
    const { queue, runner, events, advance } = setup({ concurrency: 2, maxConsecutiveErrors: 1 });
    queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' });
    await flush();
    runner.of(1).finish('failed', 'server said 503');
    await flush();
    advance(60_001);
    queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' });
    queue.request({ libraryId: 3, kind: 'incremental', trigger: 'schedule' });
    await flush();
    expect(runner.active().map((r) => r.libraryId)).toEqual([1]);
    runner.of(1).fail(new PlexNetworkError('server error 503', { status: 503 }));
    await flush();
    expect(events.filter((e) => e.type === 'server_cooldown')).toHaveLength(2);
    expect(queue.serverState(1)).toMatchObject({ consecutiveErrors: 2, cooldownUntil: expect.any(Number) });
    expect(waiting(queue)).toEqual([]);
    expect(runner.active()).toEqual([]);
  });

  it('a data error or a refused token does not open the circuit; a refused token asks for a login', async () => {
    const { queue, runner, events } = setup({ concurrency: 1, maxConsecutiveErrors: 1 });
    queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' });
    await flush();
    runner.of(1).fail(new PlexDataError('malformed JSON from server'));
    await flush();
    queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' });
    await flush();
    runner.of(1).finish('failed', 'item 12: invalid payload');
    await flush();
    expect(events.filter((e) => e.type === 'failed').map((e) => e.type === 'failed' && e.errorClass)).toEqual(
      ['data', 'data'],
    );
    expect(events.some((e) => e.type === 'server_cooldown')).toBe(false);
    expect(queue.serverState(1)).toEqual({ consecutiveErrors: 0, cooldownUntil: null });

    queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' });
    await flush();
    runner.of(1).finish('failed', 'HTTP 401 from the server');
    await flush();
    expect(events.find((e) => e.type === 'needs_login')).toMatchObject({ scope: 'server', serverId: 1 });
    expect(events.some((e) => e.type === 'server_cooldown')).toBe(false);
    expect(queue.request({ libraryId: 1, kind: 'incremental', trigger: 'schedule' })).toBe('queued');
  });

  it('refuses an unknown library with a clear error', () => {
    const { queue } = setup();
    expect(() => queue.request({ libraryId: 99, kind: 'incremental', trigger: 'manual' })).toThrow(UserError);
    expect(() => queue.request({ libraryId: 99, kind: 'incremental', trigger: 'manual' })).toThrow(
      /library 99 does not exist/,
    );
  });

  it('drain aborts runs in flight, returns what never started and gives up after the timeout', async () => {
    const { queue, runner } = setup({ concurrency: 2 });
    for (const id of [1, 2, 3])
      queue.request({ libraryId: id, kind: 'incremental', trigger: 'schedule', scheduleId: id * 10 });
    await flush();
    const drained = await queue.drain(5_000);
    expect(drained.unfinished).toEqual([]);
    expect(drained.dropped).toMatchObject([{ libraryId: 3, scheduleIds: [30] }]);
    expect(runner.calls.every((c) => c.context.signal.aborted)).toBe(true);
    expect(() => queue.request({ libraryId: 1, kind: 'incremental', trigger: 'manual' })).toThrow(/stopping/);

    const stuck = setup({ concurrency: 1 });
    stuck.runner.ignoreAbort = true;
    stuck.queue.request({ libraryId: 1, kind: 'incremental', trigger: 'manual' });
    await flush();
    const started = Date.now();
    const result = await stuck.queue.drain(50);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.unfinished).toEqual([1]);
    stuck.runner.of(1).finish('interrupted');
  });
});
