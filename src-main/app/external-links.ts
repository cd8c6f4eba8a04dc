// Which URLs may leave the app for the system browser: https pages of Plex only. Everything else a
// page tries to open is dropped.
const PLEX_HOSTS = ['plex.tv', 'plex.direct'];

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  return PLEX_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
}
