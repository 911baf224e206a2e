/** Objects and arrays nested deeper than this are refused before the body is parsed. */
export const MAX_JSON_DEPTH = 64;

/** A top-level key we name in the 400; anything else is reported as `body`. */
const NAMEABLE_FIELD = /^[A-Za-z0-9_]{1,64}$/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;

/**
 * Where a JSON text nests objects/arrays deeper than `maxDepth`, without parsing it: the
 * top-level field holding the too-deep value (`mcp_info`), `body` when the body itself is the
 * deep value, or null when the text is within the limit. One pass, no recursion, no allocation
 * per character, so a hostile body costs linear time and constant stack. Strings are skipped with
 * indexOf (brackets inside them do not count); malformed JSON is left for the parser to refuse.
 */
export function findJsonDepthViolation(text: string, maxDepth = MAX_JSON_DEPTH): string | null {
  let depth = 0;
  let topIsObject = false;
  /** The last string closed at depth 1, a key once a colon follows it. */
  let lastString: string | null = null;
  let field: string | null = null;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i + 1;
      i = closingQuote(text, start);
      if (depth === 1 && topIsObject) lastString = text.slice(start, Math.min(i, start + 65));
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth += 1;
      if (depth === 1) topIsObject = c === OPEN_OBJECT;
      if (depth > maxDepth) {
        return field !== null && NAMEABLE_FIELD.test(field) ? field : 'body';
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth -= 1;
    } else if (c === COLON && depth === 1 && topIsObject) {
      field = lastString;
    }
  }
  return null;
}

/** Index of the quote closing a string that starts at `from` (text.length when unterminated). */
function closingQuote(text: string, from: number): number {
  let at = from;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) return text.length;
    // Escaped when preceded by an odd number of backslashes.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}
