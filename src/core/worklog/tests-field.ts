/**
 * Tests-like values (Tests, Checks, Evidence, Validation): one line listing commands as
 * inline code, separated by `,` or `;`. Separators inside inline code or inside parentheses
 * never split (commands contain commas; results read "(27 files, 104 tests)").
 */

/** One item of a Tests-like value. */
export interface TestsItem {
  /** The item as written, trimmed. */
  text: string;
  /** A lower-case qualifier before the command: `local`, `prod`, `prod remote`… */
  location?: string;
  /** The command: the content of the item's inline code span. */
  command?: string;
  /** The text of a parenthesised suffix after the command: `(62 passed)` → "62 passed". */
  result?: string;
}

/** Length of the run of `ch` starting at i. */
function runLength(s: string, i: number, ch: string): number {
  let j = i;
  while (s[j] === ch) j++;
  return j - i;
}

/** Index of the closing backtick run of exactly `n` backticks at or after `from`, or -1. */
function closingRun(s: string, from: number, n: number): number {
  let i = from;
  while (i < s.length) {
    if (s[i] === "`") {
      const len = runLength(s, i, "`");
      if (len === n) return i;
      i += len;
    } else i++;
  }
  return -1;
}

/**
 * Split on separators outside inline code and outside parentheses; a backslash escapes the
 * next character. Segments are trimmed and empty ones dropped.
 */
export function splitOutsideCode(value: string, separators = ",;"): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < value.length) {
    const ch = value[i] ?? "";
    if (ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === "`") {
      const n = runLength(value, i, "`");
      const close = closingRun(value, i + n, n);
      // An unmatched backtick run is literal text (CommonMark).
      i = close < 0 ? i + n : close + n;
      continue;
    }
    if (ch === "(") depth++;
    else if (ch === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0 && separators.includes(ch)) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  out.push(value.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== "");
}

const LOCATION = /^[a-z][a-z0-9-]*(?: [a-z][a-z0-9-]*){0,2}$/;

/** The first inline code span of `text`: its content and where it starts and ends. */
function firstCodeSpan(text: string): { content: string; start: number; end: number } | undefined {
  let i = 0;
  while (i < text.length) {
    if (text[i] === "\\") {
      i += 2;
      continue;
    }
    if (text[i] === "`") {
      const n = runLength(text, i, "`");
      const close = closingRun(text, i + n, n);
      if (close < 0) {
        i += n;
        continue;
      }
      let content = text.slice(i + n, close);
      // CommonMark strips one space on each side when both are present (for `` `x` ``).
      if (content.length >= 2 && content.startsWith(" ") && content.endsWith(" ") && content.trim() !== "") content = content.slice(1, -1);
      return { content, start: i, end: close + n };
    }
    i++;
  }
  return undefined;
}

/** The inside of a suffix that is exactly one balanced `( … )` group, or undefined. */
function parenthesised(suffix: string): string | undefined {
  if (!suffix.startsWith("(") || !suffix.endsWith(")")) return undefined;
  let depth = 0;
  for (let i = 0; i < suffix.length; i++) {
    const ch = suffix[i];
    if (ch === "`") {
      const n = runLength(suffix, i, "`");
      const close = closingRun(suffix, i + n, n);
      if (close >= 0) i = close + n - 1;
      continue;
    }
    if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0 && i !== suffix.length - 1) return undefined;
  }
  return depth === 0 ? suffix.slice(1, -1).trim() : undefined;
}

/**
 * Parse one item. It is a command when, after an optional lower-case location of up to
 * three words and before an optional parenthesised result, it is exactly one inline code
 * span (a final period is ignored); anything else is prose and keeps only `text`.
 */
export function parseTestsItem(raw: string): TestsItem {
  const text = raw.trim();
  const code = firstCodeSpan(text);
  if (code === undefined) return { text };
  const prefix = text.slice(0, code.start).trim();
  // A sentence-ending period after the command or result is not part of either.
  const suffix = text.slice(code.end).trim().replace(/\.$/, "").trimEnd();
  if (prefix !== "" && !LOCATION.test(prefix)) return { text };
  const result = suffix === "" ? undefined : parenthesised(suffix);
  if (suffix !== "" && result === undefined) return { text };
  const item: TestsItem = { text, command: code.content };
  if (prefix !== "") item.location = prefix;
  if (result !== undefined) item.result = result;
  return item;
}

/** Split a Tests-like value into items (see splitOutsideCode and parseTestsItem). */
export function splitTestsValue(value: string): TestsItem[] {
  return splitOutsideCode(value).map(parseTestsItem);
}

/** Wrap text in an inline code span, with a fence longer than any backtick run inside. */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Write one item: `location \`command\` (result)`, or its text when it has no command. */
export function formatTestsItem(item: Omit<TestsItem, "text"> & { text?: string }): string {
  if (item.command === undefined) return item.text ?? "";
  const parts = [item.location, inlineCode(item.command), item.result === undefined ? undefined : `(${item.result})`];
  return parts.filter((p): p is string => p !== undefined && p !== "").join(" ");
}

/** Write a Tests value from items, joined by `separator` (default ", "). */
export function formatTestsValue(items: readonly (Omit<TestsItem, "text"> & { text?: string })[], separator = ", "): string {
  return items.map(formatTestsItem).join(separator);
}
