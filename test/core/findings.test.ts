import { describe, expect, it } from "vitest";
import { ExitCode } from "../../src/core/errors.js";
import { exitCodeFor, type RawFinding } from "../../src/core/findings.js";

const f = (severity: RawFinding["severity"]): RawFinding => ({ code: "x", severity, message: "m", pointer: "" });

describe("exitCodeFor", () => {
  it("is 0 when nothing was found, and info notices never fail a run", () => {
    expect(exitCodeFor({})).toBe(ExitCode.ok);
    expect(exitCodeFor({ findings: [f("info")], strict: true })).toBe(ExitCode.ok);
  });

  it("fails on an error, and on a warning only with strict", () => {
    expect(exitCodeFor({ findings: [f("error")] })).toBe(ExitCode.findings);
    expect(exitCodeFor({ findings: [f("warning")] })).toBe(ExitCode.ok);
    expect(exitCodeFor({ findings: [f("warning")], strict: true })).toBe(ExitCode.findings);
    expect(exitCodeFor({ errors: 0, warnings: 3 })).toBe(ExitCode.ok);
    expect(exitCodeFor({ errors: 0, warnings: 3, strict: true })).toBe(ExitCode.findings);
    expect(exitCodeFor({ errors: 1 })).toBe(ExitCode.findings);
  });

  it("ranks a missing file over an unreadable one, over a conflict, over findings", () => {
    const all = { missing: 1, unreadable: 1, conflict: true, unmet: true, findings: [f("error")] };
    expect(exitCodeFor(all)).toBe(ExitCode.usage);
    expect(exitCodeFor({ ...all, missing: 0 })).toBe(ExitCode.unreadable);
    expect(exitCodeFor({ ...all, missing: 0, unreadable: 0 })).toBe(ExitCode.conflict);
    expect(exitCodeFor({ ...all, missing: 0, unreadable: 0, conflict: false })).toBe(ExitCode.findings);
  });

  it("fails an unmet check (no task ready, a stale log) with 1", () => {
    expect(exitCodeFor({ unmet: true })).toBe(ExitCode.findings);
    expect(exitCodeFor({ unmet: false })).toBe(ExitCode.ok);
  });
});
