import { describe, expect, it } from "vitest";
import {
  formatTestsItem,
  formatTestsValue,
  inlineCode,
  parseTestsItem,
  splitOutsideCode,
  splitTestsValue,
} from "../../../src/core/worklog/tests-field.js";

describe("splitTestsValue", () => {
  it("splits comma-separated commands", () => {
    expect(splitTestsValue("`npm test`, `npm run lint`")).toEqual([
      { text: "`npm test`", command: "npm test" },
      { text: "`npm run lint`", command: "npm run lint" },
    ]);
  });

  it("splits on semicolons too", () => {
    expect(splitTestsValue("`make a`; `make b`;").map((i) => i.command)).toEqual(["make a", "make b"]);
  });

  it("never splits inside backticks", () => {
    expect(splitTestsValue("`python -c \"print(1, 2); print(3)\"`, `jq -r '.a, .b'`").map((i) => i.command)).toEqual([
      'python -c "print(1, 2); print(3)"',
      "jq -r '.a, .b'",
    ]);
  });

  it("handles double-backtick spans containing a backtick", () => {
    expect(splitTestsValue("`` echo `date`, now ``, `ls`").map((i) => i.command)).toEqual(["echo `date`, now", "ls"]);
  });

  it("reads a location prefix", () => {
    expect(splitTestsValue("local `docker build .`, prod remote `curl -fsS http://x/health`")).toEqual([
      { text: "local `docker build .`", location: "local", command: "docker build ." },
      { text: "prod remote `curl -fsS http://x/health`", location: "prod remote", command: "curl -fsS http://x/health" },
    ]);
  });

  it("reads a parenthesised result suffix, whose commas do not split", () => {
    expect(splitTestsValue("`npm test -- --run` (12 files, 40 tests); `pytest -q` (result: `[1, 2]`).")).toEqual([
      { text: "`npm test -- --run` (12 files, 40 tests)", command: "npm test -- --run", result: "12 files, 40 tests" },
      { text: "`pytest -q` (result: `[1, 2]`).", command: "pytest -q", result: "result: `[1, 2]`" },
    ]);
  });

  it("keeps prose and mixed items as text only", () => {
    expect(splitTestsValue("N/A (docs-only)")).toEqual([{ text: "N/A (docs-only)" }]);
    expect(splitTestsValue("manual smoke in staging, `jq -e` JSON checks, Ran `make` twice")).toEqual([
      { text: "manual smoke in staging" },
      { text: "`jq -e` JSON checks" },
      { text: "Ran `make` twice" },
    ]);
    expect(splitTestsValue("`a` + `b`")).toEqual([{ text: "`a` + `b`" }]);
  });

  it("treats an unmatched backtick as literal and drops empty items", () => {
    expect(splitOutsideCode("a `b, c;; d")).toEqual(["a `b", "c", "d"]);
    expect(splitOutsideCode(" , ; ")).toEqual([]);
    expect(splitOutsideCode("x \\, y, z")).toEqual(["x \\, y", "z"]);
  });
});

describe("formatting Tests values", () => {
  it("writes items back in the same shape", () => {
    const value = "local `docker build .` (ok), `npm test`";
    expect(formatTestsValue(splitTestsValue(value))).toBe(value);
    expect(formatTestsItem({ text: "manual check" })).toBe("manual check");
    expect(parseTestsItem(formatTestsItem({ command: "echo `x`", result: "done" }))).toMatchObject({ command: "echo `x`", result: "done" });
  });

  it("fences commands that contain backticks", () => {
    expect(inlineCode("a")).toBe("`a`");
    expect(inlineCode("a `b` c")).toBe("``a `b` c``");
    expect(inlineCode("`x`")).toBe("`` `x` ``");
  });
});
