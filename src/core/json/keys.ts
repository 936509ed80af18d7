/** Duplicate keys without the scanner: the keys of a text against the members of its parsed value. */
import { MAX_JSON_DEPTH } from "./scanner.js";

/*
 * Whether a text that JSON.parse accepted (as `parsed`) has no duplicate keys is decided
 * without the scanner (a few times faster). JSON.parse keeps one member per distinct key,
 * so the text repeats a key exactly when it holds more keys than the parsed value does
 * (countTextKeys against countKeys). A value nested deeper than the scanner accepts is
 * left to the scanner, so that it still reports json-too-deep.
 */

/**
 * The keys in a JSON text that JSON.parse accepted: its string tokens followed by ':'.
 * Outside a string a quote only ever opens one, so the scan jumps from quote to quote: a
 * string ends at the first quote not escaped (preceded by an even run of backslashes).
 * -1 if a string is left open (not for a text JSON.parse accepted).
 */
export function countTextKeys(text: string): number {
  let keys = 0;
  let open = text.indexOf('"');
  while (open !== -1) {
    let close = text.indexOf('"', open + 1);
    while (close !== -1 && text.charCodeAt(close - 1) === 92) {
      let k = close - 2;
      while (text.charCodeAt(k) === 92) k--;
      // close - 1 - k backslashes: an even run escapes nothing.
      if ((close - 1 - k) % 2 === 0) break;
      close = text.indexOf('"', close + 1);
    }
    if (close === -1) return -1;
    let p = close + 1;
    let c = text.charCodeAt(p);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++p);
    if (c === 58) keys++;
    open = text.indexOf('"', p);
  }
  return keys;
}

/**
 * The members of every object in a parsed value (own enumerable keys, as Object.keys counts
 * them), -1 when a container sits deeper than MAX_JSON_DEPTH; and whether one of them is
 * named "__proto__".
 */
export function countKeys(value: unknown): { count: number; proto: boolean } {
  // `for…in` walks the members without making their list (the cheapest walk); should
  // Object.prototype have an enumerable member, the inherited keys it adds are skipped.
  let ownOnly = false;
  for (const key in {}) if (key !== undefined) ownOnly = true;
  let proto = false;
  const walk = (v: object, depth: number): number => {
    if (depth > MAX_JSON_DEPTH) return -1;
    let n = 0;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (typeof item !== "object" || item === null) continue;
        const c = walk(item, depth + 1);
        if (c < 0) return -1;
        n += c;
      }
      return n;
    }
    for (const key in v) {
      if (ownOnly && !Object.hasOwn(v, key)) continue;
      n++;
      if (key === "__proto__") proto = true;
      const item = (v as Record<string, unknown>)[key];
      if (typeof item !== "object" || item === null) continue;
      const c = walk(item, depth + 1);
      if (c < 0) return -1;
      n += c;
    }
    return n;
  };
  const count = typeof value === "object" && value !== null ? walk(value, 1) : 0;
  return { count, proto };
}
