// @vitest-environment jsdom
// Pure rendering of empty pages (fixed views): a fresh install shows what will appear and when,
// never a blank chart or an empty table.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src-main/core/api/event-bus';
import { App } from '../../src-renderer/App';
import { createAppStores } from '../../src-renderer/stores';
import type { Route } from '../../src-renderer/stores/ui-store';
import { fixedApi } from './fixed-api';

// jsdom has no layout: recharts' ResponsiveContainer only needs the observer to exist.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

afterEach(() => cleanup());

const emptyViews = {
  'stats:get': {
    since: 0,
    runs: [],
    totals: {
      runs: 0,
      succeeded: 0,
      skipped: 0,
      failed: 0,
      itemsProcessed: 0,
      itemsChanged: 0,
      apiCalls: 0,
      errors: 0,
    },
    performance: [],
    errorsPerDay: [],
    topErrors: [],
  },
  'errors:list': { rows: [], total: 0 },
  'items:search': { rows: [], total: 0 },
  'schedules:list': [],
};

function renderAt(route: Route) {
  render(<App stores={createAppStores(fixedApi(createEventBus(), emptyViews), route)} />);
}

describe('empty states', () => {
  it('Activity explains that charts fill in after the first sync', async () => {
    renderAt('activity');
    // The Activity page is loaded lazily (recharts): give it time on a busy machine.
    await screen.findByText('No sync runs in this period', {}, { timeout: 5000 });
    expect(screen.getAllByText('No data for this period yet.')).toHaveLength(4);
    expect(document.querySelector('.recharts-surface')).toBeNull();
  });

  it('Errors, Items and Schedules say why they are empty', async () => {
    renderAt('errors');
    await screen.findByText('No errors');
    cleanup();
    renderAt('items');
    await screen.findByText('Nothing matches');
    expect(screen.getByText(/after a library has synced/)).toBeTruthy();
    cleanup();
    renderAt('schedules');
    await screen.findByText('No schedules yet');
  });
});
