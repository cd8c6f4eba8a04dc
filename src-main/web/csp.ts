// The Content-Security-Policy of the renderer, one definition for the Electron window (response
// header and the page's meta tag) and for `retrovue serve`.
import { ARTWORK_SCHEME } from '../../src-shared/artwork-url';

export interface CspOptions {
  /** Extra connect-src entries: the websocket origin in web mode, the dev server in development. */
  connect?: string[];
  /** Extra script/style origins for the Vite dev server (development only). */
  devServer?: string | null;
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const dev = options.devServer ? [options.devServer] : [];
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", ...dev]],
    // Styles set from script (React style props, recharts) go through the CSSOM, which CSP allows.
    ['style-src', ["'self'", ...dev]],
    // https: for the plex.tv account avatar; retrovue-art: for posters from our cache (Electron).
    ['img-src', ["'self'", 'data:', 'blob:', 'https:', `${ARTWORK_SCHEME}:`]],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", ...(options.connect ?? []), ...dev]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}
