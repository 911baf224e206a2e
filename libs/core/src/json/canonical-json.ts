/**
 * Canonical JSON text of a JSON value (what `JSON.parse` returns), so that two documents with the
 * same meaning have the same bytes whatever order their keys came in:
 *
 * - object keys sorted by UTF-16 code units (JavaScript's default sort, as RFC 8785 orders them),
 *   at every depth; array order is kept (it means something);
 * - no whitespace between tokens;
 * - numbers as `JSON.stringify` writes them (ECMAScript's shortest round-trip form: `1`, not
 *   `1.0`; `1e+21`; `-0` as `0`), strings as `JSON.stringify` escapes them (`"`, `\`, control
 *   characters and lone surrogates), every other character as is (no `\u` escaping of unicode).
 *
 * That is RFC 8785 (JCS) for the values JSON can carry. Anything that is not a JSON value
 * (undefined, functions, symbols, bigints, non-finite numbers, class instances such as Date,
 * cycles) is refused with a TypeError rather than silently dropped or turned into null: a
 * fingerprint over a value that lost part of itself would hide a change.
 *
 * Iterative (an explicit stack, no recursion), so a hostile document nested a million levels deep
 * costs memory in proportion to its size and never overflows the call stack.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Work items, last first: a value to write, a literal token, or the end of an open container.
  const work: Work[] = [{ value }];
  const open = new Set<object>();
  while (work.length > 0) {
    const item = work.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    if ('close' in item) {
      open.delete(item.close);
      out.push(item.token);
      continue;
    }
    const current = item.value;
    if (current === null || typeof current === 'boolean') {
      out.push(String(current));
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) throw new TypeError('canonicalJson: a non-finite number');
      out.push(JSON.stringify(current));
    } else if (typeof current === 'string') {
      out.push(JSON.stringify(current));
    } else if (Array.isArray(current)) {
      enter(open, current);
      out.push('[');
      work.push({ close: current, token: ']' });
      for (let i = current.length - 1; i >= 0; i--) {
        work.push({ value: current[i] });
        if (i > 0) work.push(',');
      }
    } else if (isPlainObject(current)) {
      enter(open, current);
      out.push('{');
      work.push({ close: current, token: '}' });
      const keys = Object.keys(current).sort();
      for (let i = keys.length - 1; i >= 0; i--) {
        work.push({ value: current[keys[i]] });
        work.push(`${JSON.stringify(keys[i])}:`);
        if (i > 0) work.push(',');
      }
    } else {
      throw new TypeError(`canonicalJson: ${describe(current)} is not a JSON value`);
    }
  }
  return out.join('');
}

type Work = string | { value: unknown } | { close: object; token: string };

function enter(open: Set<object>, container: object): void {
  if (open.has(container)) throw new TypeError('canonicalJson: a cyclic value');
  open.add(container);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return `an object of class ${value!.constructor?.name ?? '?'}`;
  return `a ${typeof value}`;
}
