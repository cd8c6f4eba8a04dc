// Tokens must never reach logs, errors, the database or the renderer. Everything that turns a
// request or an error into text goes through here.

const TOKEN_PARAM = /([?&](?:X-Plex-Token|token|authToken|accessToken)=)[^&#\s"']+/gi;
/** Authorization schemes: the credential follows the scheme word. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]+/g;
const TOKEN_FIELD =
  /(["']?(?:X-Plex-Token|authToken|accessToken|token|authorization)["']?\s*[:=]\s*["']?(?:(?:Bearer|Basic)\s+)?)(?!\[redacted\]|(?:Bearer|Basic)\s)[^"',}\s&]+/gi;

const knownSecrets = new Set<string>();

/** Registers a secret so it is masked wherever it appears, even outside a recognisable field. */
export function registerSecret(secret: string | null | undefined): void {
  if (secret && secret.length >= 6) knownSecrets.add(secret);
}

export function redact(text: string): string {
  let out = text
    .replace(AUTH_SCHEME, '$1 [redacted]')
    .replace(TOKEN_PARAM, '$1[redacted]')
    .replace(TOKEN_FIELD, '$1[redacted]');
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** Deep copy of a value with secret-looking fields masked, for structured logs and contexts. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redact(value.message) };
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = /token|secret|password|authorization/i.test(k) ? '[redacted]' : redactValue(v, depth + 1);
    }
    return out;
  }
  return value;
}
