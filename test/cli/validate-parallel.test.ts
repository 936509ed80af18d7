/**
 * Validating many files: the built CLI shares more than PARALLEL_MIN_FILES files between
 * worker threads (on a machine with more than one CPU), and its report must be the one a
 * single thread gives. The in-process runValidate runs from the TypeScript sources, which
 * always validate on one thread, so it is the reference.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PARALLEL_MIN_FILES } from "../../src/core/validate/parallel.js";
import { runValidate } from "../../src/core/validate/run.js";
import { makeSpec, oneJson, REPO_ROOT, runCli, specsTree } from "../helpers.js";

type Spec = Record<string, any>;

/** Spec `i` of the tree: most valid, the rest with one defect each of several kinds. */
function entry(i: number): { folder: string; spec: Spec; name?: string; raw?: string } {
  const id = `bulk-${String(i).padStart(4, "0")}-2026-01-01-001`;
  const folder = ["active", "pending", "completed"][i % 3] as string;
  const spec = makeSpec(id, (s) => {
    s.metadata.status = folder === "pending" ? "pending" : folder === "completed" ? "completed" : "active";
    if (folder === "completed") {
      for (const n of Object.values<Spec>(s.hierarchy)) {
        n.status = "completed";
        n.completed_tasks = n.total_tasks;
      }
    }
    switch (i % 17) {
      case 1:
        s.hierarchy["phase-1"].total_tasks = 4;
        break;
      case 2:
        s.hierarchy["phase-1"].children.push("task-1-1");
        break;
      case 3:
        s.hierarchy["task-1-2"].metadata.blocker_type = "technical";
        break;
      case 4:
        s.hierarchy["task-1-1"].metadata.started_at = "2026-02-30T10:00:00Z";
        s.hierarchy["task-1-1"].metadata.completed_at = "2026-03-01 09:00:00Z";
        break;
      case 5:
        s.journal.push({ timestamp: "yesterday", entry_type: "note", title: "t", content: "c", task_id: "ghost" });
        break;
      case 6:
        s.hierarchy["task-1-1"].dependencies.blocked_by.push("task-1-2");
        break;
      case 7:
        delete s.hierarchy["verify-1-1"];
        break;
      default:
        break;
    }
  });
  if (i % 53 === 7) return { folder, spec, raw: JSON.stringify(spec, null, 2).slice(0, 200) };
  if (i % 61 === 9) return { folder, spec, raw: "\ufeff" + JSON.stringify(spec, null, 2) };
  if (i % 67 === 11) return { folder, spec, raw: JSON.stringify(spec, null, 2).replace('"title"', '"title": "x",\n  "title"') };
  // Two files claiming one spec id.
  if (i % 71 === 13) return { folder, spec: { ...spec, spec_id: "bulk-0000-2026-01-01-001" }, name: `${id}.json` };
  return { folder, spec };
}

describe("sdd validate on many files", () => {
  it("reports exactly what one thread reports", async () => {
    const count = PARALLEL_MIN_FILES + 60;
    const dir = specsTree(Array.from({ length: count }, (_, i) => entry(i)));
    const reference = runValidate({ cwd: dir, targets: [], env: {} });
    expect(reference.summary.files).toBe(count);
    expect(reference.summary.errors).toBeGreaterThan(0);
    expect(reference.summary.unreadable).toBeGreaterThan(0);

    const r = await runCli(["validate", "--json"], { cwd: dir });
    expect(r.code).toBe(reference.exitCode);
    const report = oneJson(r.stdout);
    expect(report.summary).toEqual(reference.summary);
    expect(report.files).toEqual(reference.files);
    expect(report.findings).toEqual(JSON.parse(JSON.stringify(reference.findings)));

    const text = await runCli(["validate"], { cwd: dir });
    expect(text.code).toBe(reference.exitCode);
    expect(text.stdout).toContain(`${count} spec files checked`);
  });
});

describe("sdd schema", () => {
  it("prints the shipped schema (found from the bundled program)", async () => {
    const r = await runCli(["schema", "spec"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(join(REPO_ROOT, "schemas", "spec.schema.json"), "utf8")));
  });
});
