import { createHash } from 'node:crypto';

/**
 * How names compare when API.md says "unique, case-insensitively" (configuration names, server
 * names, aliases): Unicode NFC, then lower case. One rule for every entity, so the same name is
 * the same key everywhere.
 */
export function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * The unique-index key of a free-form name: a SHA-256 digest of the folded name. Fixed width, and
 * immune to MySQL's PAD SPACE collations treating "a" and "a " as equal. Server names are ASCII
 * (API.md), for which NFC changes nothing, so keys stored before NFC was applied to them match.
 */
export function nameKeyOf(name: string): string {
  return createHash('sha256').update(foldName(name), 'utf8').digest('hex');
}
