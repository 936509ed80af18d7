/**
 * What a script written for the Python sdd relies on: the old fields in --json, the
 * compatibility shape (flag, sdd.config.json, the Python tool's own config), legacy flags,
 * completing a parent whose work is done, derived status in progress, the old validator's
 * checks, and the agent-workflow commands.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli.js";
import { makeSpec, specsTree } from "../helpers.js";

const ID = "dropin-2026-01-01-001";

interface Out {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any;
}

async function sdd(dir: string, args: string[]): Promise<Out> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    cwd: dir,
    env: { NO_COLOR: "1", CI: "true", SDD_NOW: "2030-01-01T00:00:00.000Z" },
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdoutIsTTY: false,
    stdinIsTTY: false,
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

/** spec-root -> phase-1 -> task-1-1 (with subtasks task-1-1-1, task-1-1-2), verify-1-1. */
function parentSpec(edit?: (s: Record<string, any>) => void): Record<string, any> {
  return makeSpec(ID, (s) => {
    const h = s.hierarchy;
    delete h["task-1-2"];
    h["phase-1"].children = ["task-1-1", "verify-1-1"];
    h["task-1-1"].children = ["task-1-1-1", "task-1-1-2"];
    h["task-1-1"].metadata = { file_path: "src/a.ts" };
    for (const id of ["task-1-1-1", "task-1-1-2"])
      h[id] = {
        type: "subtask",
        title: id,
        status: "pending",
        parent: "task-1-1",
        children: [],
        total_tasks: 1,
        completed_tasks: 0,
        metadata: {},
      };
    h["task-1-1"].total_tasks = 2;
    h["phase-1"].total_tasks = 3;
    h["spec-root"].total_tasks = 3;
    edit?.(s);
  });
}

const readSpec = (dir: string, folder = "active"): Record<string, any> =>
  JSON.parse(readFileSync(join(dir, "specs", folder, `${ID}.json`), "utf8")) as Record<string, any>;

describe("the Python tool's --json fields", () => {
  it("a mutation prints success and the old field names next to the envelope", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    const r = await sdd(dir, ["--json", "update-status", ID, "task-1-1-1", "in_progress", "--note", "go"]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      schema_version: 2,
      ok: true,
      success: true,
      task_id: "task-1-1-1",
      old_status: "pending",
      new_status: "in_progress",
      spec_id: ID,
      status_note: "go",
      updated_at: "2030-01-01T00:00:00.000Z",
    });
  });

  it("a failed write says success: false with the old fields", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    const r = await sdd(dir, ["--json", "update-status", ID, "task-9-9", "completed"]);
    expect(r.code).toBe(2);
    expect(r.json()).toMatchObject({
      ok: false,
      success: false,
      task_id: "task-9-9",
      new_status: "completed",
      error: { code: "task-not-found" },
    });
  });

  it("status-report lists the open node ids as incomplete_tasks, the count as remaining_tasks", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    const doc = (await sdd(dir, ["status-report", ID, "--json"])).json();
    expect(doc.completion_status).toMatchObject({ incomplete_tasks: ["task-1-1-1", "task-1-1-2", "verify-1-1"], remaining_tasks: 3 });
    expect(doc.overall_progress).toMatchObject({ node_id: "spec-root", spec_id: ID, type: "spec", status: "pending" });
  });
});

describe("compatibility mode", () => {
  it("--compat prints list-specs and whole-spec check-deps as bare arrays", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    const list = (await sdd(dir, ["list-specs", "--compat"])).json();
    expect(Array.isArray(list)).toBe(true);
    expect(list[0]).toMatchObject({ spec_id: ID, status: "active", progress_percentage: 0 });
    expect(list[0].schema_version).toBeUndefined();
    const deps = (await sdd(dir, ["check-deps", ID, "--compat"])).json();
    expect(deps.map((d: { task_id: string }) => d.task_id)).toEqual(["task-1-1"]);
  });

  it("the Python tool's .claude/sdd_config.json makes JSON the default, in the old shape; --no-json gives text", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    mkdirSync(join(dir, ".claude"));
    writeFileSync(join(dir, ".claude", "sdd_config.json"), JSON.stringify({ output: { default_mode: "json" } }));
    const next = await sdd(dir, ["next-task", ID]);
    expect(next.json()).toEqual({ task_id: "task-1-1-1", title: "task-1-1-1", status: "pending", file_path: "", estimated_hours: 0 });
    expect((await sdd(dir, ["list-specs"])).json()[0].spec_id).toBe(ID);
    const text = await sdd(dir, ["next-task", ID, "--no-json"]);
    expect(text.stdout).toBe("task-1-1-1 task-1-1-1\n");
  });

  it("sdd.config.json output.compat: false keeps the envelope even with the Python config present", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    mkdirSync(join(dir, ".claude"));
    writeFileSync(join(dir, ".claude", "sdd_config.json"), JSON.stringify({ output: { default_mode: "json" } }));
    writeFileSync(join(dir, "sdd.config.json"), JSON.stringify({ output: { compat: false } }));
    const doc = (await sdd(dir, ["list-specs"])).json();
    expect(doc).toMatchObject({ schema_version: 2, command: "list-specs" });
  });

  it("sdd.config.json output.compat: true turns it on for --json", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    writeFileSync(join(dir, "sdd.config.json"), JSON.stringify({ output: { compat: true } }));
    expect(Array.isArray((await sdd(dir, ["list-specs", "--json"])).json())).toBe(true);
    expect((await sdd(dir, ["list-specs"])).stdout).toContain(ID);
  });
});

describe("legacy flags", () => {
  it("complete-spec takes --skip-doc-regen and the old spec-file positional", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    const r = await sdd(dir, ["--json", "complete-spec", ID, join(dir, "specs", "active", `${ID}.json`), "--skip-doc-regen", "--force"]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ success: true, moved_to: "completed", total_tasks: 1 });
    expect(readSpec(dir, "completed").metadata.status).toBe("completed");
  });

  it("flags with no effect in sdd say so on stderr and still do the work", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    const verify = await sdd(dir, ["update-status", ID, "verify-1-1", "completed", "--verify"]);
    expect(verify.code).toBe(0);
    expect(verify.stderr).toMatch(/^notice: --verify runs nothing/);
    const bump = await sdd(dir, ["complete-task", ID, "task-1-1-1", "--version", "1.2", "--show-diff", "--json"]);
    expect(bump.code).toBe(0);
    expect(bump.stderr).toContain("notice: --bump/--version record no revision");
    expect(bump.stderr).toContain("notice: --show-diff has no effect");
    expect(readSpec(dir).hierarchy["task-1-1-1"].status).toBe("completed");
  });

  it("fix --preview writes nothing, like --dry-run", async () => {
    const dir = specsTree([{ spec: parentSpec((s) => (s.hierarchy["phase-1"].total_tasks = 9)) }]);
    const before = readFileSync(join(dir, "specs", "active", `${ID}.json`), "utf8");
    const r = await sdd(dir, ["fix", ID, "--preview", "--json"]);
    expect(r.json().dry_run ?? r.json().specs?.[0]?.dry_run).not.toBe(false);
    expect(readFileSync(join(dir, "specs", "active", `${ID}.json`), "utf8")).toBe(before);
  });
});

describe("a parent whose subtasks are all complete", () => {
  it("complete-task completes and journals it, as the old workflow expects", async () => {
    const dir = specsTree([
      {
        spec: parentSpec((s) => {
          // As old tools left it: subtasks done, the parent's own status never rolled up.
          for (const id of ["task-1-1-1", "task-1-1-2"]) {
            s.hierarchy[id].status = "completed";
            s.hierarchy[id].completed_tasks = 1;
          }
          s.hierarchy["task-1-1"].completed_tasks = 2;
        }),
      },
    ]);
    const r = await sdd(dir, ["--json", "complete-task", ID, "task-1-1", "--note", "parent done"]);
    expect(r.code).toBe(0);
    const spec = readSpec(dir);
    expect(spec.hierarchy["task-1-1"].status).toBe("completed");
    expect(
      spec.journal.some((e: { task_id?: string; content: string }) => e.task_id === "task-1-1" && e.content.includes("Note: parent done")),
    ).toBe(true);
    expect((await sdd(dir, ["check-journaling", ID])).code).toBe(0);
  });

  it("complete-task on a parent already completed by its roll-up records the note and the journal entry once", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    await sdd(dir, ["complete-task", ID, "task-1-1-1"]);
    await sdd(dir, ["complete-task", ID, "task-1-1-2"]);
    const before = readSpec(dir);
    expect(before.hierarchy["task-1-1"].status).toBe("completed");
    const r = await sdd(dir, ["complete-task", ID, "task-1-1", "--note", "all done"]);
    expect(r.code).toBe(0);
    const after = readSpec(dir);
    expect(after.hierarchy["task-1-1"].metadata.status_note).toBe("all done");
    expect(after.hierarchy["task-1-1"].metadata.completed_at).toBe(before.hierarchy["task-1-1"].metadata.completed_at);
    expect(after.journal.length).toBe(before.journal.length + 1);
    // Nothing left to record: a no-op.
    const again = await sdd(dir, ["--json", "complete-task", ID, "task-1-1"]);
    expect(again.json()).toMatchObject({ ok: true, changed: false });
  });

  it("update-status ... completed on it is accepted; while work is open it is still refused", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    expect((await sdd(dir, ["update-status", ID, "task-1-1", "completed"])).code).toBe(1);
    await sdd(dir, ["update-status", ID, "task-1-1-1", "completed"]);
    await sdd(dir, ["update-status", ID, "task-1-1-2", "completed"]);
    expect((await sdd(dir, ["update-status", ID, "task-1-1", "completed"])).code).toBe(0);
  });
});

describe("progress", () => {
  it("reports the status the work shows, not a stale stored one", async () => {
    const dir = specsTree([{ spec: parentSpec((s) => (s.hierarchy["spec-root"].status = "completed")) }]);
    const doc = (await sdd(dir, ["progress", ID, "--json"])).json();
    expect(doc).toMatchObject({ status: "pending", stored_status: "completed", complete: false });
  });
});

describe("the old validator's checks", () => {
  it("warn about an implementation task without file_path and a verify node without verification_type", async () => {
    const dir = specsTree([
      {
        spec: parentSpec((s) => {
          s.hierarchy["task-1-1"].metadata = { task_category: "implementation" };
          s.hierarchy["verify-1-1"].metadata = { command: "true" };
        }),
      },
    ]);
    const r = await sdd(dir, ["validate", ID, "--json"]);
    expect(r.code).toBe(0);
    const codes = r.json().findings.map((f: { code: string; severity: string; pointer: string }) => [f.code, f.severity, f.pointer]);
    expect(codes).toContainEqual(["file-path-missing", "warning", "/hierarchy/task-1-1/metadata"]);
    expect(codes).toContainEqual(["verification-type-missing", "warning", "/hierarchy/verify-1-1/metadata"]);
    expect((await sdd(dir, ["validate", ID, "--strict"])).code).toBe(1);
    writeFileSync(join(dir, "sdd.config.json"), JSON.stringify({ rules: { "file-path-missing": "error" } }));
    expect((await sdd(dir, ["validate", ID])).code).toBe(1);
  });

  it("an investigation task needs no file_path", async () => {
    const dir = specsTree([{ spec: parentSpec((s) => (s.hierarchy["task-1-1"].metadata = { task_category: "investigation" })) }]);
    const codes = (await sdd(dir, ["validate", ID, "--json"])).json().findings.map((f: { code: string }) => f.code);
    expect(codes).not.toContain("file-path-missing");
  });
});

describe("the agent-workflow commands", () => {
  it("remove-task removes a node and every reference to it; a node with children needs --cascade", async () => {
    const dir = specsTree([
      {
        spec: parentSpec((s) => {
          s.hierarchy["verify-1-1"].dependencies = { blocks: [], blocked_by: ["task-1-1"], depends: [] };
          s.hierarchy["task-1-1"].dependencies = { blocks: ["verify-1-1"], blocked_by: [], depends: [] };
        }),
      },
    ]);
    expect((await sdd(dir, ["remove-task", ID, "task-1-1"])).code).toBe(2);
    const r = await sdd(dir, ["--json", "remove-task", ID, "task-1-1", "--cascade"]);
    expect(r.code).toBe(0);
    expect(r.json().removed).toEqual(["task-1-1", "task-1-1-1", "task-1-1-2"]);
    const spec = readSpec(dir);
    expect(Object.keys(spec.hierarchy).sort()).toEqual(["phase-1", "spec-root", "verify-1-1"]);
    expect(spec.hierarchy["phase-1"].children).toEqual(["verify-1-1"]);
    expect(spec.hierarchy["verify-1-1"].dependencies.blocked_by).toEqual([]);
    expect((await sdd(dir, ["validate", ID])).code).toBe(0);
  });

  it("update-frontmatter sets a metadata string; status is refused (the folder decides it)", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    expect((await sdd(dir, ["update-frontmatter", ID, "owner", "me"])).code).toBe(0);
    expect(readSpec(dir).metadata.owner).toBe("me");
    const r = await sdd(dir, ["update-frontmatter", ID, "status", "completed"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("sdd move-spec");
  });

  it("sync-metadata stores the computed progress and current phase", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    await sdd(dir, ["update-status", ID, "task-1-1-1", "completed"]);
    expect((await sdd(dir, ["sync-metadata", ID])).code).toBe(0);
    expect(readSpec(dir).metadata).toMatchObject({ progress_percentage: 33, current_phase: "phase-1" });
  });

  it("get-task, list-blockers, query-tasks, spec-stats and prepare-task answer in the old shape", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    await sdd(dir, ["mark-blocked", ID, "verify-1-1", "--reason", "CI down", "--type", "resource"]);
    expect((await sdd(dir, ["get-task", ID, "task-1-1", "--compat"])).json()).toMatchObject({
      type: "task",
      children: ["task-1-1-1", "task-1-1-2"],
    });
    expect((await sdd(dir, ["list-blockers", ID, "--compat"])).json()).toEqual([
      expect.objectContaining({ id: "verify-1-1", blocker_type: "resource", blocker_description: "CI down", blocked_by_external: true }),
    ]);
    const q = (await sdd(dir, ["query-tasks", ID, "--type", "subtask", "--compat"])).json();
    expect(q.map((t: { id: string }) => t.id)).toEqual(["task-1-1-1", "task-1-1-2"]);
    expect((await sdd(dir, ["spec-stats", ID, "--compat"])).json()).toMatchObject({
      exists: true,
      task_count: 1,
      verify_count: 1,
      phase_count: 1,
    });
    const prep = (await sdd(dir, ["prepare-task", ID, "--json"])).json();
    expect(prep).toMatchObject({ success: true, task_id: "task-1-1-1", spec_complete: false, needs_branch_creation: false });
    expect(prep.context.parent_task).toMatchObject({ id: "task-1-1", position_label: "1 of 2 children" });
  });

  it("a retired command exits 2 and names what to use instead", async () => {
    const dir = specsTree([{ spec: parentSpec() }]);
    const r = await sdd(dir, ["audit-spec", ID]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("fix: sdd validate SPEC");
    expect((await sdd(dir, ["--json", "get-journal", ID])).json().error.code).toBe("command-retired");
  });
});
