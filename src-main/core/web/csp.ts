// The Content-Security-Policy of the renderer, one definition for the Electron window (response
// header and the page's meta tag) and for `retrovue serve`.
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
    // React and recharts set inline style attributes.
    ['style-src', ["'self'", "'unsafe-inline'", ...dev]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", ...(options.connect ?? []), ...dev]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}
