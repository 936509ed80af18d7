/** Reading JSON text exactly: positions, duplicate keys, syntax errors, encodings. */
import { describe, expect, it } from "vitest";
import { DataError, ExitCode } from "../../../src/core/errors.js";
import { decodeUtf8, JsonSource, MAX_JSON_DEPTH, parseJson, pointerOf } from "../../../src/core/json/source.js";
import { readJsonFile } from "../../../src/core/store/spec-file.js";
import { tempTree } from "../../helpers.js";

/** The DataError a call throws (fails the test if it throws nothing or something else). */
function dataError(fn: () => unknown): DataError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error("expected a DataError, got none");
}

const syntaxError = (text: string): DataError => dataError(() => parseJson(text, "spec.json"));

describe("JsonSource.locate", () => {
  const text = [
    "{", //                                 line 1
    '  "a": 1,', //                          line 2
    '  "b": {', //                           line 3
    '    "c": [10, 20],', //                 line 4
    '    "d": {"e": null}', //               line 5
    "  },", //                               line 6
    '  "x~y/z": "tilde and slash",', //      line 7
    '  "ключ": "\\u00e9t\\u00e9",', //       line 8
    '  "last": [', //                        line 9
    "    {},", //                            line 10
    '    "s"', //                            line 11
    "  ]", //                                line 12
    "}",
    "",
  ].join("\n");
  const src = new JsonSource(text, "doc.json");
  const at = (pointer: string): [number, number] => {
    const p = src.locate(pointer);
    return [p.line, p.column];
  };

  it("maps an object member to its key and an array item to its value", () => {
    expect(at("")).toEqual([1, 1]);
    expect(at("/a")).toEqual([2, 3]);
    expect(at("/b")).toEqual([3, 3]);
    expect(at("/b/c")).toEqual([4, 5]);
    expect(at("/b/c/0")).toEqual([4, 11]);
    expect(at("/b/c/1")).toEqual([4, 15]);
    expect(at("/b/d/e")).toEqual([5, 11]);
    expect(at("/last/0")).toEqual([10, 5]);
    expect(at("/last/1")).toEqual([11, 5]);
  });

  it("follows RFC 6901 escaping and non-ASCII keys", () => {
    expect(pointerOf(["x~y/z"])).toBe("/x~0y~1z");
    expect(at("/x~0y~1z")).toEqual([7, 3]);
    expect(at("/ключ")).toEqual([8, 3]);
  });

  it("falls back to the nearest existing ancestor", () => {
    expect(at("/b/c/7")).toEqual([4, 5]);
    expect(at("/b/missing/deeper")).toEqual([3, 3]);
    expect(at("/last/0/nothing")).toEqual([10, 5]);
    expect(at("/nothing")).toEqual([1, 1]);
  });

  it("gives the offset together with line and column", () => {
    const p = src.locate("/a");
    expect(p.offset).toBe(text.indexOf('"a"'));
    expect(src.position(0)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(src.position(text.length)).toEqual({ line: 14, column: 1, offset: text.length });
  });

  it("counts columns from the line start with CRLF line ends", () => {
    const crlf = new JsonSource('{\r\n  "a": {\r\n    "b": 1\r\n  }\r\n}\r\n', "crlf.json");
    expect(crlf.locate("/a/b")).toMatchObject({ line: 3, column: 5 });
  });

  it("locates every member of a one-line document", () => {
    const one = new JsonSource('{"hierarchy":{"spec-root":{"children":["x"]}}}', "one.json");
    expect(one.locate("/hierarchy/spec-root/children/0")).toMatchObject({ line: 1, column: 40 });
  });
});

describe("duplicate keys", () => {
  it("lists every repeat with its pointer and the offset of the repeated key", () => {
    const text = '{\n  "a": 1,\n  "b": {"x": 1, "x": 2, "x": 3},\n  "a": 4\n}';
    const src = new JsonSource(text, "dup.json");
    const dups = src.sourceIndex.duplicates;
    expect(dups.map((d) => [d.pointer, d.key])).toEqual([
      ["/b/x", "x"],
      ["/b/x", "x"],
      ["/a", "a"],
    ]);
    expect(dups.map((d) => src.position(d.offset)).map((p) => [p.line, p.column])).toEqual([
      [3, 17],
      [3, 25],
      [4, 3],
    ]);
    // JSON.parse keeps the last value; the document itself still parses.
    expect(parseJson(text, "dup.json")).toEqual({ a: 4, b: { x: 3 } });
  });

  it("treats keys that differ only by escaping as the same key", () => {
    const src = new JsonSource('{"\\u0061": 1, "a": 2}', "esc.json");
    expect(src.sourceIndex.duplicates.map((d) => d.pointer)).toEqual(["/a"]);
  });

  it("does not confuse the same key in sibling objects", () => {
    const src = new JsonSource('{"p": {"id": 1}, "q": {"id": 2}, "r": [{"id": 1}, {"id": 2}]}', "ok.json");
    expect(src.sourceIndex.duplicates).toEqual([]);
  });
});

describe("syntax errors", () => {
  const cases: { name: string; text: string; line: number; column: number; says: string }[] = [
    {
      name: "a truncated file",
      text: '{\n  "spec_id": "demo",\n  "hierarchy": {\n    "spec-root": {',
      line: 4,
      column: 19,
      says: "unexpected end of file inside an object; the file looks truncated",
    },
    {
      name: "a file cut after a comma",
      text: '{\n  "a": [1,',
      line: 2,
      column: 11,
      says: "unexpected end of file; the file looks truncated",
    },
    {
      name: "a trailing comma in an object",
      text: '{\n  "a": 1,\n}\n',
      line: 3,
      column: 1,
      says: 'unexpected "}"; expected a property name',
    },
    { name: "a trailing comma in an array", text: '{"a": [1, 2, ]}', line: 1, column: 14, says: 'unexpected "]"; expected a value' },
    {
      name: "an unterminated string at the end",
      text: '{\n  "title": "never closed',
      line: 2,
      column: 12,
      says: "unterminated string; the file looks truncated",
    },
    {
      name: "a line break inside a string",
      text: '{\n  "title": "two\nlines"\n}',
      line: 2,
      column: 16,
      says: "control character inside a string",
    },
    {
      name: "garbage after the value",
      text: '{"a": 1}\n\n  oops',
      line: 3,
      column: 3,
      says: 'unexpected "o" after the end of the JSON value',
    },
    { name: "a second document", text: "{}\n{}\n", line: 2, column: 1, says: 'unexpected "{" after the end of the JSON value' },
    { name: "a missing colon", text: '{"a" 1}', line: 1, column: 6, says: "expected ':' after property name" },
    { name: "a missing comma", text: '{"a": 1\n "b": 2}', line: 2, column: 2, says: "expected ',' or '}'" },
    { name: "single quotes", text: "{'a': 1}", line: 1, column: 2, says: "expected a property name in double quotes" },
    { name: "an invalid escape", text: '["\\x41"]', line: 1, column: 3, says: 'invalid escape "\\\\x"' },
    { name: "a number with a leading zero", text: "[01]", line: 1, column: 3, says: "invalid number" },
    { name: "NaN", text: '{"n": NaN}', line: 1, column: 7, says: 'unexpected "N"; expected a value' },
    { name: "a NUL byte", text: "\u0000", line: 1, column: 1, says: 'unexpected "\\u0000"; expected a value' },
  ];

  it.each(cases)("$name: exact line and column", ({ text, line, column, says }) => {
    const err = syntaxError(text);
    expect(err.code).toBe("json-syntax");
    expect(err.exitCode).toBe(ExitCode.unreadable);
    expect(err.file).toBe("spec.json");
    expect([err.line, err.column]).toEqual([line, column]);
    expect(err.message.startsWith(`spec.json:${line}:${column}: invalid JSON: `)).toBe(true);
    expect(err.message).toContain(says);
    expect(err.fix).toBeDefined();
  });

  it.each(["", "   ", "\n\t \r\n"])("an empty or blank file (%j) is json-empty at 1:1", (text) => {
    const err = syntaxError(text);
    expect([err.code, err.line, err.column]).toEqual(["json-empty", 1, 1]);
    expect(err.exitCode).toBe(ExitCode.unreadable);
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels instead of overflowing the stack`, () => {
    const ok = "[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH);
    expect(new JsonSource(ok, "ok.json").sourceIndex.duplicates).toEqual([]);
    const deep = '{"a":\n' + "[".repeat(50_000) + "]".repeat(50_000) + "}";
    const err = dataError(() => new JsonSource(deep, "deep.json").sourceIndex);
    expect([err.code, err.line, err.column]).toEqual(["json-too-deep", 2, MAX_JSON_DEPTH]);
    expect(err.exitCode).toBe(ExitCode.unreadable);
  });
});

describe("encodings", () => {
  it("detects and strips a UTF-8 byte order mark", () => {
    const withBom = decodeUtf8(Buffer.from('\uFEFF{"a": "é"}', "utf8"), "bom.json");
    expect(withBom).toEqual({ text: '{"a": "é"}', bom: true });
    expect(decodeUtf8(Buffer.from('{"a": 1}', "utf8"), "plain.json")).toEqual({ text: '{"a": 1}', bom: false });
  });

  it("reads a file with a BOM and records it in the style", () => {
    const dir = tempTree({ "bom.json": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{\n  "a": 1\n}\n')]) });
    const loaded = readJsonFile(`${dir}/bom.json`, "bom.json");
    expect(loaded.style.bom).toBe(true);
    expect(loaded.value).toEqual({ a: 1 });
    // Positions are those of the text without the mark.
    expect(loaded.source.locate("/a")).toMatchObject({ line: 2, column: 3 });
  });

  const encodingError = (bytes: number[] | Buffer): DataError => dataError(() => decodeUtf8(Buffer.from(bytes), "bad.json"));

  it("refuses invalid UTF-8 with the offset, line and column of the first bad byte", () => {
    const latin1 = Buffer.from('{\n  "title": "caf\xe9"\n}\n', "latin1");
    const err = encodingError(latin1);
    expect(err.code).toBe("json-encoding");
    expect(err.exitCode).toBe(ExitCode.unreadable);
    expect([err.line, err.column]).toEqual([2, 16]);
    expect(err.message).toBe("bad.json:2:16: not UTF-8 text (invalid byte 0xE9 at offset 17); is this a binary file?");
  });

  it("finds the bad byte after many multi-byte characters", () => {
    const bytes = Buffer.concat([Buffer.from("€".repeat(1000) + "\n" + "ü".repeat(5), "utf8"), Buffer.from([0xff])]);
    const err = encodingError(bytes);
    expect(err.message).toContain("invalid byte 0xFF at offset 3011");
    expect([err.line, err.column]).toEqual([2, 6]);
  });

  it("reports a multi-byte sequence cut short at its first byte", () => {
    expect(encodingError([0x7b, 0x22, 0xe2, 0x82]).message).toContain("invalid byte 0xE2 at offset 2");
    expect(encodingError([0x7b, 0x22, 0xe2, 0x82, 0x22, 0x7d]).message).toContain("invalid byte 0xE2 at offset 2");
  });

  it("refuses binary garbage", () => {
    const err = encodingError([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x0a]);
    expect(err.code).toBe("json-encoding");
    expect([err.line, err.column]).toEqual([1, 4]);
  });

  it("refuses UTF-16 text at its first byte, whatever follows", () => {
    const utf16 = Buffer.from('\uFEFF{"a": 1}\n{"b": 2}\n', "utf16le");
    const err = encodingError(utf16);
    expect([err.code, err.line, err.column]).toEqual(["json-encoding", 1, 1]);
    expect(err.message).toContain("invalid byte 0xFF at offset 0");
  });
});
