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
 * Documents up to 256 levels deep take a fast path (canonicalCopy); deeper ones (a hostile
 * document nested a million levels deep) are written iteratively, with an explicit stack, so they
 * cost memory in proportion to their size and never overflow the call stack.
 */
export function canonicalJson(value: unknown): string {
  try {
    return canonicalCopy(value, { maxDepth: FAST_PATH_DEPTH }).text;
  } catch (error) {
    // Deeper than the fast path recurses (or cyclic): the iterative writer decides.
    if (error instanceof CanonicalDepthError) return writeCanonical(value);
    throw error;
  }
}

/** How deep canonicalJson's fast path recurses before the iterative writer takes over. */
const FAST_PATH_DEPTH = 256;

/** A value nested deeper than a canonicalCopy allows (objects and arrays; the value is level 1). */
export class CanonicalDepthError extends Error {
  constructor(readonly maxDepth: number) {
    super(`the value is nested deeper than ${maxDepth} levels`);
    this.name = 'CanonicalDepthError';
  }
}

export interface CanonicalCopyOptions {
  /** Applied to every string, object keys included, before the keys are sorted. */
  mapString?: (text: string) => string;
  /** Objects and arrays nested deeper than this throw a CanonicalDepthError. */
  maxDepth: number;
}

/** A JSON value's copy, its keys in canonical order, and the canonical JSON of that copy. */
export interface CanonicalCopy {
  value: unknown;
  text: string;
}

/**
 * Copies a JSON value (every string passed through `mapString`) and writes its canonical JSON in
 * the same walk: the copy's objects get their keys in canonical order, so `JSON.stringify` (native,
 * several times faster than writing token by token) gives the canonical text, except where
 * JavaScript's own property order would not follow insertion order (array-index keys such as
 * "10", which objects list first, in numeric order; "__proto__"): the exact writer then writes it.
 * Refuses what is not a JSON value, like canonicalJson.
 */
export function canonicalCopy(value: unknown, options: CanonicalCopyOptions): CanonicalCopy {
  const state = { nativeOrder: true };
  const copy = copySorted(value, options, 1, state);
  return { value: copy, text: state.nativeOrder ? JSON.stringify(copy) : writeCanonical(copy) };
}

/** Array-index property names: JavaScript lists them before every other key. */
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;

function copySorted(
  value: unknown,
  options: CanonicalCopyOptions,
  depth: number,
  state: { nativeOrder: boolean },
): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return options.mapString ? options.mapString(value) : value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: a non-finite number');
    return value;
  }
  if (typeof value !== 'object') {
    throw new TypeError(`canonicalJson: ${describe(value)} is not a JSON value`);
  }
  if (depth > options.maxDepth) throw new CanonicalDepthError(options.maxDepth);
  if (Array.isArray(value)) {
    const items = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      items[i] = copySorted(value[i], options, depth + 1, state);
    }
    return items;
  }
  if (!isPlainObject(value)) {
    throw new TypeError(`canonicalJson: ${describe(value)} is not a JSON value`);
  }
  const keys = Object.keys(value);
  const names = mappedNames(keys, options.mapString);
  // Without renamed keys, the keys are their own names: the native comparator-less sort.
  const order = names === keys ? keys.sort() : sortedByName(keys, names);
  const copy: Record<string, unknown> = {};
  for (let i = 0; i < order.length; i++) {
    const key = order[i];
    const name = names === keys ? key : names[keys.indexOf(key)];
    const item = copySorted(value[key], options, depth + 1, state);
    if (isNativeOrderBreaker(name)) {
      state.nativeOrder = false;
      Object.defineProperty(copy, name, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      copy[name] = item;
    }
  }
  return copy;
}

/** The keys' names after `mapString`; `keys` itself when none changes (the usual case). */
function mappedNames(keys: string[], mapString: ((text: string) => string) | undefined): string[] {
  if (!mapString) return keys;
  let names: string[] | null = null;
  for (let i = 0; i < keys.length; i++) {
    const name = mapString(keys[i]);
    if (name !== keys[i]) names ??= keys.slice(0, i);
    names?.push(name);
  }
  return names ?? keys;
}

/** The keys ordered by their mapped names. */
function sortedByName(keys: string[], names: string[]): string[] {
  return keys
    .map((key, i) => ({ key, name: names[i] }))
    .sort((a, b) => compareUnits(a.name, b.name))
    .map(({ key }) => key);
}

/** UTF-16 code-unit order, as Array.prototype.sort compares strings. */
function compareUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "__proto__", and array-index names, which objects list first whatever the insertion order. */
function isNativeOrderBreaker(name: string): boolean {
  const first = name.charCodeAt(0);
  if (first >= 48 && first <= 57) return ARRAY_INDEX.test(name);
  return name === '__proto__';
}

/** The exact, iterative writer: any depth, cycles refused. */
function writeCanonical(value: unknown): string {
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
