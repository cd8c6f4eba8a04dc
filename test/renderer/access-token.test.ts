// @vitest-environment jsdom
// The web page's access token: read once from ?access=, kept for reloads of this tab, and taken
// out of the address bar (so it is not bookmarked, shared in a screenshot or sent as a Referer).
import { afterEach, describe, expect, it } from 'vitest';
import { takeAccessToken, webSocketUrl } from '../../src-renderer/bridge/web-bridge';

afterEach(() => {
  window.sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});

describe('takeAccessToken', () => {
  it('moves the token from the URL to session storage, keeping other parameters and the route', () => {
    window.history.replaceState(null, '', '/?access=s3cret&lang=en#/errors');
    expect(takeAccessToken()).toBe('s3cret');
    expect(window.location.search).toBe('?lang=en');
    expect(window.location.hash).toBe('#/errors');
    // A reload of the tab has no token in the URL but still connects.
    expect(takeAccessToken()).toBe('s3cret');
  });

  it('returns null when the page was opened without a token', () => {
    expect(takeAccessToken()).toBeNull();
  });

  it('builds the websocket URL on the same host, encoding the token', () => {
    const loc = new URL('http://127.0.0.1:4321/?x=1') as unknown as Location;
    expect(webSocketUrl(loc, 'a b&c')).toBe('ws://127.0.0.1:4321/ws?access=a%20b%26c');
    expect(webSocketUrl(new URL('https://host/') as unknown as Location, null)).toBe('wss://host/ws');
  });
});
