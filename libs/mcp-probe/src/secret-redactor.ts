import type { ProbeTarget } from './probe.types';

/** Secrets of fewer characters are only redacted where they stand alone (see below). */
export const MIN_SUBSTRING_SECRET_LENGTH = 4;
export const REDACTED = '[redacted]';

/**
 * Removes every form of every secret a probe sent from text that is stored, returned or logged.
 * A hostile server can echo what it received in any answer, so each secret is matched raw and in
 * the encodings an echo plausibly takes: URL-encoded (percent and form), base64 (standard and
 * URL-safe, with or without padding), hex, and JSON-escaped; matching ignores case (an echo may
 * change it, and a false match only hides harmless text).
 *
 * Secrets of MIN_SUBSTRING_SECRET_LENGTH characters or more are removed wherever they occur.
 * Shorter ones ("eu", "1") would shred ordinary text if removed inside words, so they are removed
 * only as whole tokens (not touching a letter or digit); a value that short is no real protection
 * anyway, and the longer forms that contain it (a whole header value, `user:password`) are still
 * removed everywhere.
 */
export class SecretRedactor {
  private readonly secrets: string[] = [];
  private pattern: RegExp | null = null;
  /** Length of the longest form: how far a match can reach past where it starts. */
  private longest = 0;

  constructor(secrets: Iterable<string>) {
    this.learn(secrets);
  }

  /** Redacts these too from now on (credentials that arrive during the probe, a refresh). */
  learn(secrets: Iterable<string>): void {
    for (const secret of secrets) {
      if (typeof secret === 'string' && secret.length > 0) this.secrets.push(secret);
    }
    const long = new Set<string>();
    const short = new Set<string>();
    for (const secret of this.secrets) {
      for (const form of formsOf(secret)) {
        (form.length >= MIN_SUBSTRING_SECRET_LENGTH ? long : short).add(form);
      }
    }
    // Longest first, so a secret that contains a shorter one is removed whole.
    const byLength = (a: string, b: string): number => b.length - a.length;
    const alternatives = [
      ...[...long].sort(byLength).map(escapeRegExp),
      ...[...short]
        .sort(byLength)
        .map((form) => `(?<![\\p{L}\\p{N}])${escapeRegExp(form)}(?![\\p{L}\\p{N}])`),
    ];
    this.pattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'giu') : null;
    this.longest = Math.max(0, ...[...long, ...short].map((form) => form.length));
  }

  /** Header values as secrets: each whole, its credential after the scheme, Basic's parts. */
  learnHeaders(headers: Record<string, string>): void {
    this.learn(Object.values(headers).flatMap((value) => headerSecrets(value)));
  }

  /** Everything a probe of this target sends: header values and the child's env values. */
  static forTarget(target: Pick<ProbeTarget, 'headers' | 'env'>): SecretRedactor {
    const secrets: string[] = [];
    for (const value of Object.values(target.headers ?? {})) {
      if (typeof value === 'string') secrets.push(...headerSecrets(value));
    }
    for (const value of Object.values(target.env ?? {})) {
      if (typeof value === 'string') secrets.push(value);
    }
    return new SecretRedactor(secrets);
  }

  /**
   * The text without secrets. With `maxLength`, at most that many characters of it (plus "…" when
   * there was more), found without scanning the rest of a long text; a secret that straddles the
   * cut is never shown in part.
   */
  redact(text: string, maxLength = Infinity): string {
    const pattern = this.pattern;
    if (!pattern) return cut(text, maxLength);
    let out = '';
    let position = 0;
    while (position < text.length) {
      const room = maxLength - out.length;
      if (room <= 0) return `${out}…`;
      // A match that starts inside the room ends within `longest` characters after it.
      const windowEnd = room === Infinity ? text.length : position + room + this.longest;
      const window = text.slice(position, windowEnd);
      pattern.lastIndex = 0;
      const match = pattern.exec(window);
      if (!match || match.index >= room) {
        const rest = text.slice(position, position + room);
        return position + rest.length < text.length ? `${out}${rest}…` : out + rest;
      }
      out += window.slice(0, match.index) + REDACTED;
      position += match.index + match[0].length;
    }
    return out;
  }
}

/** A header value, its credential part after the scheme, and what a Basic credential holds. */
function headerSecrets(value: string): string[] {
  const secrets = [value];
  const [scheme, ...rest] = value.trim().split(/\s+/);
  const credential = rest.join(' ');
  if (!credential) return secrets;
  secrets.push(credential);
  if (scheme.toLowerCase() === 'basic' && /^[A-Za-z0-9+/]+={0,2}$/.test(credential)) {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    secrets.push(decoded);
    const colon = decoded.indexOf(':');
    if (colon >= 0) secrets.push(decoded.slice(0, colon), decoded.slice(colon + 1));
  }
  return secrets;
}

function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = bytes.toString('base64');
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    base64,
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    JSON.stringify(secret).slice(1, -1),
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cut(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}
