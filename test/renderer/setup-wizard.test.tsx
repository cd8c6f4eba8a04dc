// @vitest-environment jsdom
// The first-run wizard against the real core and the fake Plex: PIN login, server pick, library
// choice with a path check, then the dashboard syncing to the fake's real counts.
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src-renderer/App';
import { createAppStores } from '../../src-renderer/stores';
import { startCoreHarness, type CoreHarness } from './harness';

let h: CoreHarness;
beforeEach(async () => {
  h = await startCoreHarness();
});
afterEach(async () => {
  cleanup();
  await h.stop();
});

describe('first run', () => {
  it('signs in with a PIN, picks the server and libraries, and syncs to the fake counts', async () => {
    const user = userEvent.setup();
    render(<App stores={createAppStores(h.api)} />);

    await user.click(await screen.findByRole('button', { name: 'Sign in with Plex' }));
    const code = await screen.findByLabelText('Sign-in code', {}, { timeout: 5000 });
    const link = screen.getByRole('link', { name: /open plex\.tv/i });
    expect(link.getAttribute('href')).toContain(h.fake.plexTvUrl);
    expect(screen.getByText(/waiting for you to approve/i)).toBeTruthy();

    h.fake.control.approvePin(code.textContent ?? '');
    await screen.findByText(/signed in as/i, {}, { timeout: 8000 });
    await user.click(screen.getByRole('button', { name: 'Continue' }));

    const server = await screen.findByRole(
      'radio',
      { name: new RegExp(h.fake.serverName) },
      { timeout: 8000 },
    );
    await user.click(server);
    expect(within(server).getAllByText(/ms$/).length).toBeGreaterThan(0);
    // Discovery also found the account's offline server: listed to pick from, but nothing is added yet.
    expect(await screen.findByRole('radio', { name: /Old NAS/ })).toBeTruthy();
    expect((await h.api.invoke('servers:list')).map((s) => [s.name, s.added]).sort()).toEqual([
      [h.fake.serverName, false],
      ['Old NAS', false],
    ]);
    await user.click(screen.getByRole('button', { name: 'Use this server' }));

    const movies = await screen.findByRole('checkbox', { name: /^Movies/ }, { timeout: 8000 });
    await user.click(movies);
    // Nothing synced yet: the check says so instead of guessing.
    await screen.findByText(/no file synced yet/i);
    await user.click(screen.getByRole('button', { name: /keep 1 library in sync/i }));

    const card = await screen.findByRole('article', { name: 'Movies' }, { timeout: 8000 });
    const expected = h.fake.control.snapshot().items.filter((i) => i.type === 'movie').length;
    await waitFor(
      () => {
        const total = within(card).getByTestId(/count-\d+-movie/);
        expect(total.textContent).toBe(String(expected));
      },
      { timeout: 15_000 },
    );
    await waitFor(() => expect(within(card).queryByRole('button', { name: 'Cancel' })).toBeNull(), {
      timeout: 15_000,
    });
    // The card reloads its library after the run's last event; under load that lands a moment later.
    await waitFor(
      () => expect(within(card).getByText(/last checked/i).parentElement?.textContent).toMatch(/ago/),
      { timeout: 10_000 },
    );
    expect(within(card).getByText(/^Up to date — \d+ items changed, checked just now$/)).toBeTruthy();

    // Only the picked server was added; the unreachable one stays available and turns nothing red.
    expect((await h.api.invoke('servers:list')).map((s) => [s.name, s.added]).sort()).toEqual([
      [h.fake.serverName, true],
      ['Old NAS', false],
    ]);
    const health = await h.api.invoke('health:get');
    expect(health.servers.find((s) => s.name === 'Old NAS')?.reachable).toBe(false);
    expect(health.ok).toBe(true);
    await waitFor(() => expect(screen.getByTestId('health-pill').textContent).toMatch(/up to date/i), {
      timeout: 10_000,
    });
  }, 60_000);

  it('replaces an expired code with a fresh one that still signs in', async () => {
    const user = userEvent.setup();
    render(<App stores={createAppStores(h.api)} />);
    await user.click(await screen.findByRole('button', { name: 'Sign in with Plex' }));
    const first = (await screen.findByLabelText('Sign-in code', {}, { timeout: 5000 })).textContent ?? '';
    h.fake.control.expirePin(first);
    await screen.findByText(/previous code expired/i, {}, { timeout: 8000 });
    const second = screen.getByLabelText('Sign-in code').textContent ?? '';
    expect(second).not.toBe(first);
    h.fake.control.approvePin(second);
    await screen.findByText(/signed in as/i, {}, { timeout: 8000 });
  }, 30_000);

  it('connects to a server by URL and token without a plex.tv sign-in', async () => {
    const user = userEvent.setup();
    render(<App stores={createAppStores(h.api)} />);
    await user.click(await screen.findByRole('button', { name: /url and token instead/i }));
    await user.type(screen.getByLabelText('Server URL'), h.fake.pmsUrl);
    await user.type(screen.getByLabelText('Plex token'), 'not-the-token');
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    // A wrong token is refused with the reason, and nothing is added.
    await screen.findByRole('alert', {}, { timeout: 8000 });
    expect(await h.api.invoke('servers:list')).toEqual([]);

    await user.clear(screen.getByLabelText('Plex token'));
    await user.type(screen.getByLabelText('Plex token'), h.fake.token);
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    const server = await screen.findByRole(
      'radio',
      { name: new RegExp(h.fake.serverName) },
      { timeout: 8000 },
    );
    expect(server.getAttribute('aria-checked')).toBe('true');
    // Typed in by the person: added at once.
    expect((await h.api.invoke('servers:list')).map((s) => s.added)).toEqual([true]);
    await user.click(screen.getByRole('button', { name: 'Use this server' }));
    await screen.findByRole('checkbox', { name: /^TV Shows/ }, { timeout: 8000 });
    // The token never reaches the page.
    expect(document.body.innerHTML).not.toContain(h.fake.token);
  }, 30_000);

  it('cancels a waiting sign-in', async () => {
    const user = userEvent.setup();
    render(<App stores={createAppStores(h.api)} />);
    await user.click(await screen.findByRole('button', { name: 'Sign in with Plex' }));
    await screen.findByLabelText('Sign-in code', {}, { timeout: 5000 });
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await screen.findByText(/sign-in cancelled/i);
    expect(await h.api.invoke('account:get')).toBeNull();
  }, 30_000);
});
