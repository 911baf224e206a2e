import { createHmac } from 'node:crypto';

/**
 * Hashes API key secrets with a server-side pepper (HMAC-SHA256), so a copy of the database
 * alone cannot be used to test guesses.
 */
export class ApiKeyHasher {
  constructor(private readonly pepper: string) {}

  hash(secret: string): string {
    return createHmac('sha256', this.pepper).update(secret, 'utf8').digest('hex');
  }
}
