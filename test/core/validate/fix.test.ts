/** The repair run behind `sdd fix` and `validate --fix`, called directly on temp projects. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../../src/core/errors.js";
import { findSpecsDir } from "../../../src/core/store/discovery.js";
import { fixSpecs } from "../../../src/core/validate/fix.js";
import { makeSpec, specsTree } from "../../helpers.js";

const ENV = { SDD_NOW: "2026-03-01T12:00:00Z" };
const ID = "fixme-2026-01-01-001";

/** A spec whose root says 9 tasks where its children hold 3. */
function project(extra: { name: string; raw: string }[] = []) {
  const spec = makeSpec(ID, (s) => (s.hierarchy["spec-root"].total_tasks = 9));
  const dir = specsTree([{ spec }, ...extra.map((e) => ({ spec: {}, ...e }))]);
  const loc = findSpecsDir({ cwd: dir, env: {} });
  const file = join(dir, "specs", "active", `${ID}.json`);
  return { dir, loc, file, base: { loc, cwd: dir, env: ENV, lockTimeoutMs: 2000, strict: false } };
}

describe("fixSpecs", () => {
  it("with --dry-run reports the repair as a patch and writes nothing", async () => {
    const { file, base } = project();
    const before = readFileSync(file, "utf8");
    const r = await fixSpecs({ ...base, specs: [ID], dryRun: true });
    expect(r.specs[0]).toMatchObject({ spec_id: ID, dry_run: true, changed: true });
    expect(r.specs[0]?.fixed.map((f) => f.code)).toEqual(["rollup-mismatch"]);
    expect(r.specs[0]?.patch).toContainEqual({ op: "replace", path: "/hierarchy/spec-root/total_tasks", value: 3 });
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(r.exitCode).toBe(ExitCode.ok);
  });

  it("saves the repair, judges it by validating the file, and leaves nothing to fix", async () => {
    const { file, base } = project();
    const r = await fixSpecs({ ...base, specs: [ID], dryRun: false });
    expect(r.specs[0]).toMatchObject({ changed: true, history_seq: 1 });
    expect(JSON.parse(readFileSync(file, "utf8")).hierarchy["spec-root"].total_tasks).toBe(3);
    expect(r.remaining.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("repairs only the codes selected; what is left fails the run", async () => {
    const { base } = project();
    const r = await fixSpecs({ ...base, specs: [ID], dryRun: false, select: ["dependency-missing"] });
    expect(r.specs[0]).toMatchObject({ changed: false, fixed: [] });
    expect(r.remaining.map((f) => f.code)).toContain("rollup-mismatch");
    expect(r.exitCode).toBe(ExitCode.findings);
  });

  it("goes on past an unreadable spec among several (exit 4); alone, it is thrown", async () => {
    const { base } = project([{ name: "broken-2026-01-01-001.json", raw: "{ nope" }]);
    const r = await fixSpecs({ ...base, specs: [ID, "broken-2026-01-01-001"], dryRun: false });
    expect(r.specs.map((s) => s.spec_id)).toEqual([ID]);
    expect(r.remaining.some((f) => f.file.endsWith("broken-2026-01-01-001.json"))).toBe(true);
    expect(r.exitCode).toBe(ExitCode.unreadable);
    await expect(fixSpecs({ ...base, specs: ["broken-2026-01-01-001"], dryRun: false })).rejects.toMatchObject({
      exitCode: ExitCode.unreadable,
    });
  });
});
