/**
 * Reading a JSON text that JSON.parse accepted, without parsing it: where a value ends,
 * the members of an object and the items of an array, and the indentation of a line. The
 * editor (./edit.ts) walks only the paths that changed with it and skips the rest.
 */

export interface Member {
  key: string;
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

export interface Item {
  start: number;
  end: number;
}

/** The text cannot be edited in place (a repeated key on a changed path): the caller serialises instead. */
export class NotEditable extends Error {}

const STRUCTURE = /["{}[\]]/g;

export function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export class TextReader {
  constructor(protected readonly text: string) {}

  protected ws(i: number): number {
    const t = this.text;
    while (isWs(t.charCodeAt(i))) i++;
    return i;
  }

  /** The offset just after the string starting at `i` (a quote). */
  protected stringEnd(i: number): number {
    const t = this.text;
    for (let j = i + 1; ;) {
      const q = t.indexOf('"', j);
      if (q === -1) return t.length;
      let k = q - 1;
      while (t.charCodeAt(k) === 92) k--;
      // An even run of backslashes before the quote escapes nothing.
      if ((q - 1 - k) % 2 === 0) return q + 1;
      j = q + 1;
    }
  }

  /** The offset just after the value starting at `i` (for a text JSON.parse accepted). */
  protected valueEnd(i: number): number {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === 34) return this.stringEnd(i);
    if (c !== 123 && c !== 91) {
      let j = i + 1;
      for (let d = t.charCodeAt(j); j < t.length && !isWs(d) && d !== 44 && d !== 125 && d !== 93; d = t.charCodeAt(++j));
      return j;
    }
    // From bracket or quote to the next one: the regex engine skips the rest far faster
    // than a loop over every character.
    let depth = 0;
    STRUCTURE.lastIndex = i;
    for (let m = STRUCTURE.exec(t); m !== null; m = STRUCTURE.exec(t)) {
      const d = t.charCodeAt(m.index);
      if (d === 34) STRUCTURE.lastIndex = this.stringEnd(m.index);
      else if (d === 123 || d === 91) depth++;
      else if (--depth === 0) return m.index + 1;
    }
    return t.length;
  }

  protected members(open: number): { members: Member[]; close: number } {
    const t = this.text;
    const members: Member[] = [];
    let i = this.ws(open + 1);
    if (t.charCodeAt(i) === 125) return { members, close: i };
    const seen = new Set<string>();
    for (;;) {
      const keyStart = i;
      const keyEnd = this.stringEnd(i);
      const raw = t.slice(keyStart, keyEnd);
      const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      // JSON.parse kept the last of repeated keys; which text is "the" member is unclear.
      if (seen.has(key)) throw new NotEditable();
      seen.add(key);
      i = this.ws(keyEnd) + 1; // ':'
      const valueStart = this.ws(i);
      const valueEnd = this.valueEnd(valueStart);
      members.push({ key, keyStart, keyEnd, valueStart, valueEnd });
      i = this.ws(valueEnd);
      if (t.charCodeAt(i) === 44) {
        i = this.ws(i + 1);
        continue;
      }
      return { members, close: i };
    }
  }

  protected items(open: number): { items: Item[]; close: number } {
    const t = this.text;
    const items: Item[] = [];
    let i = this.ws(open + 1);
    if (t.charCodeAt(i) === 93) return { items, close: i };
    for (;;) {
      const end = this.valueEnd(i);
      items.push({ start: i, end });
      i = this.ws(end);
      if (t.charCodeAt(i) === 44) {
        i = this.ws(i + 1);
        continue;
      }
      return { items, close: i };
    }
  }

  /** The indentation of the line `offset` is on. */
  protected lineIndent(offset: number): string {
    const t = this.text;
    const start = t.lastIndexOf("\n", offset - 1) + 1;
    let end = start;
    while (t.charCodeAt(end) === 32 || t.charCodeAt(end) === 9) end++;
    return t.slice(start, Math.min(end, offset));
  }
}
