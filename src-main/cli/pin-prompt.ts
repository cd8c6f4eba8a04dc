// The PIN sign-in as the CLI shows it, for `retrovue login` and `retrovue servers signin`.

/** The sign-in address and code as a person reads them (with --json, an event line on stderr). */
export function announcePin(
  json: boolean,
  pin: { code: string; authUrl: string; expiresAt: number },
  renewed = false,
): void {
  if (json) {
    const event = { event: 'waiting', code: pin.code, authUrl: pin.authUrl };
    process.stderr.write(
      `${JSON.stringify({ ...event, expiresAt: new Date(pin.expiresAt).toISOString() })}\n`,
    );
    return;
  }
  process.stdout.write(
    `${renewed ? 'The code expired; here is a new one.\n' : ''}Open this address in your browser and sign in to Plex to allow RetroVue:\n\n  ${pin.authUrl}\n\n` +
      `code ${pin.code}, valid until ${new Date(pin.expiresAt).toLocaleTimeString()}. Waiting... (Ctrl-C to cancel)\n`,
  );
}
