/** Minimal writes: re-saving keeps every byte of the file's own style. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeUtf8, detectStyle, JsonSource, parseJson } from "../../../src/core/json/source.js";
import { serializeJson } from "../../../src/core/json/write.js";
import { CORPUS_SPECS } from "../../helpers.js";

/**
 * Load bytes the way readJsonFile does, and save the value again (optionally edited). The
 * raw lexemes come from the full source index, from the lexeme-only scan, and from what
 * the transaction asks for (none for a text JSON.stringify wrote); all must give the same
 * bytes.
 */
function resave(bytes: Uint8Array, edit?: (value: any) => void): Buffer {
  const { text, bom } = decodeUtf8(bytes, "spec.json");
  const value = parseJson(text, "spec.json");
  edit?.(value);
  const style = detectStyle(text, bom);
  const viaIndex = serializeJson(value, style, new JsonSource(text, "spec.json").sourceIndex.rawLexemes);
  const viaLexemes = serializeJson(value, style, new JsonSource(text, "spec.json").rawLexemes);
  expect(viaLexemes).toBe(viaIndex);
  const forWrite = new JsonSource(text, "spec.json", parseJson(text, "spec.json")).lexemesForWrite(style);
  expect(serializeJson(value, style, forWrite)).toBe(viaIndex);
  return Buffer.from(viaIndex, "utf8");
}

const roundTrips = (text: string): void => {
  const bytes = Buffer.from(text, "utf8");
  expect(resave(bytes).toString("utf8")).toBe(text);
  expect(resave(bytes).equals(bytes)).toBe(true);
};

const nested = { a: 1, b: [1, 2], c: { d: "x", e: [] as unknown[], f: {} }, g: null, h: true };

describe("load and save without change gives identical bytes", () => {
  it.each([
    ["2-space indent", JSON.stringify(nested, null, 2) + "\n"],
    ["4-space indent", JSON.stringify(nested, null, 4) + "\n"],
    ["tab indent", JSON.stringify(nested, null, "\t") + "\n"],
    ["compact, no spaces", JSON.stringify(nested)],
    ["compact with Python's default separators", '{"a": 1, "b": [1, 2], "c": {"d": "x", "e": [], "f": {}}, "g": null, "h": true}'],
    ["Python's separators with a final newline", '{"a": 1, "b": [1, 2]}\n'],
    ["CRLF newlines", JSON.stringify(nested, null, 2).replace(/\n/g, "\r\n") + "\r\n"],
    ["CRLF newlines, no final newline", JSON.stringify(nested, null, 2).replace(/\n/g, "\r\n")],
    ["no final newline (the Python tool's output)", JSON.stringify(nested, null, 2)],
    ["a top-level array", '[\n  1,\n  {\n    "a": [\n      2\n    ]\n  }\n]\n'],
  ])("%s", (_name, text) => {
    roundTrips(text);
  });

  it.each([
    ["\\u-escaped non-ASCII", '{\n  "title": "caf\\u00e9 \\u2014 \\ud83d\\ude00",\n  "plain": "ascii"\n}'],
    ["raw UTF-8 non-ASCII", '{\n  "title": "café — 😀",\n  "plain": "ascii"\n}\n'],
    ["escaped and raw in one file", '{\n  "a": "café",\n  "b": "caf\\u00e9",\n  "c": "CAF\\u00C9"\n}\n'],
    ["escaped non-ASCII in keys", '{\n  "caf\\u00e9": 1,\n  "x": "y"\n}\n'],
    [
      "numbers in their own spelling",
      '{\n  "a": 1.0,\n  "b": 1e5,\n  "c": -0.0,\n  "d": 2.50,\n  "e": 1E+2,\n  "f": 0,\n  "g": -3,\n  "h": 0.1\n}\n',
    ],
    ["strings with \\/ and needless escapes", '{\n  "url": "https:\\/\\/example.com\\/a",\n  "q": "\\u0041\\t\\"x\\"\\\\"\n}\n'],
    ["a byte order mark", '\ufeff{\n  "a": 1,\n  "b": "é"\n}\n'],
    ["a BOM, CRLF and escapes together", '\ufeff{\r\n    "a": 1.50,\r\n    "b": "\\u00e9"\r\n}'],
  ])("%s", (_name, text) => {
    roundTrips(text);
  });

  it("every spec in the corpus round-trips byte for byte", (ctx) => {
    if (!existsSync(CORPUS_SPECS)) ctx.skip();
    const files = readdirSync(CORPUS_SPECS, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(CORPUS_SPECS, d.name)).map((n) => join(CORPUS_SPECS, d.name, n)))
      .filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(resave(bytes).equals(bytes), file).toBe(true);
    }
  });
});

/** Lines of `b` that differ from `a`, position by position (both must have as many lines). */
function changedLines(a: string, b: string): string[] {
  const la = a.split("\n");
  const lb = b.split("\n");
  expect(lb.length).toBe(la.length);
  return lb.filter((line, i) => line !== la[i]);
}

describe("a change touches only its own line", () => {
  const text =
    '{\n  "spec_id": "caf\\u00e9-2026-01-01-001",\n  "version": 1.0,\n  "hierarchy": {\n    "task-1": {\n      "status": "pending",\n' +
    '      "estimate": 2.50,\n      "path": "src\\/a.ts"\n    }\n  },\n  "last_updated": "2026-01-01T00:00:00Z"\n}';

  it("a changed string keeps every other lexeme", () => {
    const out = resave(Buffer.from(text), (v) => {
      v.hierarchy["task-1"].status = "completed";
    }).toString("utf8");
    expect(changedLines(text, out)).toEqual(['      "status": "completed",']);
  });

  it("a changed number is written canonically, the rest as it was", () => {
    const out = resave(Buffer.from(text), (v) => {
      v.hierarchy["task-1"].estimate = 3;
    }).toString("utf8");
    expect(changedLines(text, out)).toEqual(['      "estimate": 3,']);
  });

  it("a new non-ASCII value follows the file's escaping", () => {
    const out = resave(Buffer.from(text), (v) => {
      v.last_updated = "résumé";
    }).toString("utf8");
    expect(changedLines(text, out)).toEqual(['  "last_updated": "r\\u00e9sum\\u00e9"']);
  });

  it("an added key adds its lines and nothing else changes", () => {
    const out = resave(Buffer.from(text), (v) => {
      v.hierarchy["task-1"].note = "n";
    }).toString("utf8");
    const before = text.split("\n");
    const after = out.split("\n");
    expect(after.length).toBe(before.length + 1);
    // The previous last member gains a comma; the new member follows it.
    expect(after.filter((l) => !before.includes(l))).toEqual(['      "path": "src\\/a.ts",', '      "note": "n"']);
  });

  it("compact Python-style files stay on one line with their separators", () => {
    const py = '{"a": 1.0, "b": [1, 2], "c": "caf\\u00e9"}';
    const out = resave(Buffer.from(py), (v) => {
      v.b.push(3);
    }).toString("utf8");
    expect(out).toBe('{"a": 1.0, "b": [1, 2, 3], "c": "caf\\u00e9"}');
  });
});

describe("serialising without raw lexemes", () => {
  const value = {
    a: 'caf\u00e9 \u2028 "q" \n\t \u0001 \ud83d\ude00 \ud800',
    b: [1.5, -0, 1e21, 2 ** 53 + 2, Number.NaN, null, true, [], {}, [[]]],
    c: { "\u00e9": { d: undefined, e: [undefined] } },
    __proto__key: JSON.parse('{"__proto__": {"x": 1}}') as unknown,
  };
  const styles = [
    { indent: "  ", eol: "\n", finalNewline: true, asciiOnly: false, bom: false, compactSpaces: false },
    { indent: "\t", eol: "\r\n", finalNewline: false, asciiOnly: true, bom: true, compactSpaces: false },
    { indent: "    ", eol: "\n", finalNewline: false, asciiOnly: true, bom: false, compactSpaces: false },
    { indent: " ".repeat(12), eol: "\n", finalNewline: true, asciiOnly: false, bom: false, compactSpaces: false },
    { indent: "", eol: "\n", finalNewline: true, asciiOnly: false, bom: false, compactSpaces: false },
    { indent: null, eol: "\n", finalNewline: false, asciiOnly: false, bom: false, compactSpaces: true },
  ] as const;

  it.each(styles.map((s) => [JSON.stringify(s), s] as const))("%s: JSON.stringify's text is the walk's", (_, style) => {
    // A raw lexeme at a pointer that does not exist keeps the walk, and changes nothing.
    const walked = serializeJson(value, { ...style }, new Map([["/nowhere", '"x"']]));
    expect(serializeJson(value, { ...style })).toBe(walked);
  });
});
