/**
 * Editing JSON text in place: only changed values are rewritten; every other byte stays;
 * new members and items take their siblings' layout.
 */
import jsonpatch from "fast-json-patch";
import { describe, expect, it } from "vitest";
import { deepEqual, editJson, rewriteJson } from "../../../src/core/json/edit.js";
import { detectStyle } from "../../../src/core/json/source.js";

/** The text after applying `change` to the value the text holds. */
function edit(text: string, change: (v: any) => void): string {
  const before = JSON.parse(text) as unknown;
  const after = jsonpatch.deepClone(before);
  change(after);
  const out = editJson(text, before, after, jsonpatch.compare(before as object, after as object), detectStyle(text, false));
  expect(out).toBeDefined();
  expect(JSON.parse(out as string)).toEqual(after);
  return out as string;
}

describe("values change in place", () => {
  const text =
    '{\r\n    "a" : 1.50,\r\n    "s": "caf\\u00e9 \\/x",\r\n    "list": [ "p1",  "p2" ],\r\n    "o": {"x": 1e2, "y": true},\r\n    "n": null\r\n}';

  it("a changed string, number or literal touches only its own bytes", () => {
    expect(
      edit(text, (v) => {
        v.o.y = false;
      }),
    ).toBe(text.replace('"y": true', '"y": false'));
    expect(
      edit(text, (v) => {
        v.n = 7;
      }),
    ).toBe(text.replace('"n": null', '"n": 7'));
    expect(
      edit(text, (v) => {
        v.list[1] = "p3";
      }),
    ).toBe(text.replace('"p2"', '"p3"'));
  });

  it("a new non-ASCII string follows the file's escaping", () => {
    const out = edit('{\n  "a": "x"\n}\n', (v) => {
      v.a = "é";
    });
    expect(out).toBe('{\n  "a": "\\u00e9"\n}\n');
    expect(
      edit('{\n  "a": "x",\n  "b": "ü"\n}\n', (v) => {
        v.a = "é";
      }),
    ).toBe('{\n  "a": "é",\n  "b": "ü"\n}\n');
  });

  it("no change is the same text", () => {
    expect(edit(text, () => undefined)).toBe(text);
  });
});

describe("members", () => {
  const broken = '{\n  "a": 1,\n  "b": {\n    "c": [1, 2],\n    "d": "x"\n  }\n}\n';

  it("a new member takes its siblings' indentation and separators", () => {
    expect(
      edit(broken, (v) => {
        v.b.e = { f: [1], g: "h" };
      }),
    ).toBe(
      '{\n  "a": 1,\n  "b": {\n    "c": [1, 2],\n    "d": "x",\n    "e": {\n      "f": [\n        1\n      ],\n      "g": "h"\n    }\n  }\n}\n',
    );
  });

  it("tabs and CRLF are the siblings' too", () => {
    const tabs = '{\r\n\t"a": {\r\n\t\t"b": 1\r\n\t}\r\n}';
    expect(
      edit(tabs, (v) => {
        v.a.c = { d: 2 };
      }),
    ).toBe('{\r\n\t"a": {\r\n\t\t"b": 1,\r\n\t\t"c": {\r\n\t\t\t"d": 2\r\n\t\t}\r\n\t}\r\n}');
  });

  it("a member of an inline object stays on its line", () => {
    expect(
      edit('{\n  "o": { "x": 1, "y": 2 }\n}\n', (v) => {
        v.o.z = 3;
      }),
    ).toBe('{\n  "o": { "x": 1, "y": 2, "z": 3 }\n}\n');
  });

  it("an empty object gets its first member broken over lines, one level in", () => {
    expect(
      edit('{\n  "a": {\n    "m": {}\n  }\n}\n', (v) => {
        v.a.m.k = "v";
      }),
    ).toBe('{\n  "a": {\n    "m": {\n      "k": "v"\n    }\n  }\n}\n');
  });

  it("removing the first, a middle, the last or the only member leaves the rest as it was", () => {
    const t = '{\n  "a": 1,\n  "b": 2,\n  "c": 3\n}\n';
    expect(edit(t, (v) => delete v.a)).toBe('{\n  "b": 2,\n  "c": 3\n}\n');
    expect(edit(t, (v) => delete v.b)).toBe('{\n  "a": 1,\n  "c": 3\n}\n');
    expect(edit(t, (v) => delete v.c)).toBe('{\n  "a": 1,\n  "b": 2\n}\n');
    expect(
      edit(t, (v) => {
        delete v.a;
        delete v.c;
      }),
    ).toBe('{\n  "b": 2\n}\n');
    expect(edit('{\n  "o": {\n    "a": 1\n  }\n}', (v) => delete v.o.a)).toBe('{\n  "o": {}\n}');
  });

  it("removing and adding in one object", () => {
    expect(
      edit('{\n  "a": 1,\n  "b": 2\n}\n', (v) => {
        delete v.a;
        v.c = [];
      }),
    ).toBe('{\n  "b": 2,\n  "c": []\n}\n');
  });

  it("compact Python-style text keeps its separators", () => {
    expect(
      edit('{"a": 1.0, "b": [1, 2], "c": "caf\\u00e9"}', (v) => {
        v.b.push(3);
        v.d = { e: 1 };
      }),
    ).toBe('{"a": 1.0, "b": [1, 2, 3], "c": "caf\\u00e9", "d": {"e": 1}}');
    expect(
      edit('{"a":1,"b":2}', (v) => {
        v.c = 3;
      }),
    ).toBe('{"a":1,"b":2,"c":3}');
  });

  it("minified text (no spaces) gives new members of an empty object its own separators", () => {
    expect(
      edit('{"a":1,"o":{}}', (v) => {
        v.o.x = 1;
        v.o.y = { z: [1, 2] };
      }),
    ).toBe('{"a":1,"o":{"x":1,"y":{"z":[1,2]}}}');
    expect(
      edit("{}", (v) => {
        v.a = 1;
        v.b = [true];
      }),
    ).toBe('{"a":1,"b":[true]}');
    expect(
      edit('{"a":[]}', (v) => {
        v.a.push(1, { k: "v" });
      }),
    ).toBe('{"a":[1,{"k":"v"}]}');
    // Python-style compact text keeps its spaces there too.
    expect(
      edit('{"a": 1, "o": {}}', (v) => {
        v.o.x = { y: 2 };
      }),
    ).toBe('{"a": 1, "o": {"x": {"y": 2}}}');
  });
});

describe("items", () => {
  it("an item appended to an inline array stays inline; to a broken one, on its own line", () => {
    expect(
      edit('{\n  "c": ["p1", "p2"]\n}\n', (v) => {
        v.c.push("p3");
      }),
    ).toBe('{\n  "c": ["p1", "p2", "p3"]\n}\n');
    expect(
      edit('{\n  "c": [\n    "p1"\n  ]\n}\n', (v) => {
        v.c.push("p2");
      }),
    ).toBe('{\n  "c": [\n    "p1",\n    "p2"\n  ]\n}\n');
  });

  it("an object appended to a list of objects is laid out like them", () => {
    const t = '{\n  "j": [\n    {\n      "t": 1\n    }\n  ]\n}\n';
    expect(
      edit(t, (v) => {
        v.j.push({ t: 2, m: {} });
      }),
    ).toBe('{\n  "j": [\n    {\n      "t": 1\n    },\n    {\n      "t": 2,\n      "m": {}\n    }\n  ]\n}\n');
  });

  it("an item inserted or removed at the front leaves the others' text alone", () => {
    const t = '{\n  "l": [1.50, "\\u0041", 3]\n}';
    expect(edit(t, (v) => v.l.unshift(0))).toBe('{\n  "l": [0, 1.50, "\\u0041", 3]\n}');
    expect(edit(t, (v) => v.l.shift())).toBe('{\n  "l": ["\\u0041", 3]\n}');
    expect(edit(t, (v) => v.l.splice(1, 1))).toBe('{\n  "l": [1.50, 3]\n}');
    expect(edit(t, (v) => (v.l = []))).toBe('{\n  "l": []\n}');
  });

  it("an empty array gets plain values on one line when the file writes such arrays so, else broken", () => {
    const inline = '{\n  "a": ["x"],\n  "b": []\n}\n';
    expect(edit(inline, (v) => v.b.push("y"))).toBe('{\n  "a": ["x"],\n  "b": ["y"]\n}\n');
    const broken = '{\n  "a": [\n    "x"\n  ],\n  "b": []\n}\n';
    expect(edit(broken, (v) => v.b.push("y"))).toBe('{\n  "a": [\n    "x"\n  ],\n  "b": [\n    "y"\n  ]\n}\n');
  });
});

describe("what cannot be edited in place", () => {
  it("a repeated key on a changed path: the caller serialises instead", () => {
    const t = '{\n  "a": {"x": 1, "x": 2}\n}';
    const before = JSON.parse(t);
    const after = { a: { x: 3 } };
    expect(editJson(t, before, after, jsonpatch.compare(before, after), detectStyle(t, false))).toBeUndefined();
  });

  it("rewriteJson writes new numbers and strings with the raw texts it is given, where their values match", () => {
    const text = '{\n  "a": 2,\n  "o": {}\n}\n';
    const before = JSON.parse(text) as object;
    const after = { a: 1, o: { b: [1.5, "\u00e9"], c: 7 } };
    const lexemes = new Map([
      ["/a", "1.0"],
      ["/o/b/0", "1.50"],
      ["/o/b/1", '"\\u00e9"'],
      // A text for another value is not used.
      ["/o/c", "8.0"],
    ]);
    const out = rewriteJson({ text, bom: false, style: detectStyle(text, false) }, before, after, undefined, lexemes);
    expect(out).toBe('{\n  "a": 1.0,\n  "o": {\n    "b": [\n      1.50,\n      "\\u00e9"\n    ],\n    "c": 7\n  }\n}\n');
  });

  it("rewriteJson puts the byte order mark back", () => {
    const t = '{\n  "a": 1\n}\n';
    expect(rewriteJson({ text: t, bom: true, style: detectStyle(t, true) }, { a: 1 }, { a: 2 })).toBe('\ufeff{\n  "a": 2\n}\n');
  });
});

describe("random edits read back as the new value and keep unchanged lines", () => {
  // A small deterministic generator: the same cases every run.
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const scalar = (): unknown => [1, 2.5, "s", "é", true, null, -0.5][rnd(7)];
  const value = (depth: number): unknown => {
    const k = rnd(depth > 2 ? 1 : 4);
    if (k === 0) return scalar();
    if (k === 1) return Array.from({ length: rnd(4) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = rnd(4); i > 0; i--) o["k" + rnd(6)] = value(depth + 1);
    return o;
  };
  const mutate = (v: any, depth = 0): void => {
    const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    const r = rnd(5);
    if (r === 0 || keys.length === 0) {
      if (Array.isArray(v)) v.splice(rnd(v.length + 1), 0, value(2));
      else v["n" + rnd(9)] = value(2);
      return;
    }
    const key = keys[rnd(keys.length)] as any;
    if (r === 1) {
      if (Array.isArray(v)) v.splice(key, 1);
      else delete v[key];
      return;
    }
    const child = v[key];
    if (typeof child === "object" && child !== null && depth < 4) mutate(child, depth + 1);
    else v[key] = scalar();
  };
  const styles: ((v: unknown) => string)[] = [
    (v) => JSON.stringify(v, null, 2) + "\n",
    (v) => JSON.stringify(v, null, "\t").replaceAll("\n", "\r\n"),
    (v) => JSON.stringify(v),
    (v) => JSON.stringify(v, null, 4).replace(/\[\s+([^[\]{}]*?)\s+\]/g, (_, inner: string) => "[" + inner.replace(/,\s+/g, ", ") + "]"),
  ];

  it("500 cases", () => {
    for (let n = 0; n < 500; n++) {
      const before = { root: { x: value(0), y: [value(1), value(1)] }, keep: { a: [1, 2], b: "x" } };
      const text = (styles[n % styles.length] as (v: unknown) => string)(before);
      const after = jsonpatch.deepClone(before);
      for (let m = rnd(3) + 1; m > 0; m--) mutate(after.root);
      const out = editJson(text, before, after, jsonpatch.compare(before, after), detectStyle(text, false));
      expect(out, text).toBeDefined();
      expect(deepEqual(JSON.parse(out as string), after), `${text}\n->\n${out}`).toBe(true);
      // The untouched member keeps its text.
      const keep = text.slice(text.indexOf('"keep"'));
      expect((out as string).endsWith(keep), `${text}\n->\n${out}`).toBe(true);
    }
  });
});

describe("round trips", () => {
  const texts = [
    '{\n  "a": 1.0,\n  "b": ["x", "y"],\n  "c": {}\n}\n',
    '{\r\n\t"a": "caf\\u00e9",\r\n\t"b": [\r\n\t\t1e2\r\n\t]\r\n}',
    '{"a": 1.50, "b": {"c": "\\/"}}',
    '{ "a" : [ 1 , 2 ] ,"b":null }',
  ];

  it.each(texts)("%j: unchanged is the same bytes; a change undone is the same bytes", (text) => {
    const style = detectStyle(text, false);
    const v = JSON.parse(text) as Record<string, unknown>;
    expect(rewriteJson({ text, bom: false, style }, v, structuredClone(v))).toBe(text);
    const changed = { ...structuredClone(v), b: "other", z: [1] };
    const once = rewriteJson({ text, bom: false, style }, v, changed) as string;
    expect(JSON.parse(once)).toEqual(changed);
    const back = rewriteJson({ text: once, bom: false, style: detectStyle(once, false) }, changed, structuredClone(v)) as string;
    expect(JSON.parse(back)).toEqual(v);
    // Everything outside "b" and the added "z" is as it was.
    expect(back.slice(0, text.indexOf('"b"'))).toBe(text.slice(0, text.indexOf('"b"')));
  });
});
