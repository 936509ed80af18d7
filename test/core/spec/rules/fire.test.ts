/**
 * Every code of the registry fires: for each one, the smallest change to a valid specs tree
 * that makes `validate` (or, for `unjournaled`, the journaling gate) report it, through the
 * same reading, schema, rules and cross-file pipeline a user runs. The table is typed by
 * the registry's codes, so a code without a fixture does not compile (and fails below).
 */
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RawFinding } from "../../../../src/core/findings.js";
import { findUnjournaled, unjournaledFindings } from "../../../../src/core/spec/journaling.js";
import { SPEC_RULES, type SpecFindingCode } from "../../../../src/core/spec/rules/registry.js";
import { runValidate } from "../../../../src/core/validate/run.js";
import { makeSpec, specsTree, tempTree } from "../../../helpers.js";

type Spec = Record<string, any>;
const ID = "demo-2026-01-01-001";
const FILE = `specs/active/${ID}.json`;

/** A fixture: the specs tree to check, and the pointer the finding must name. */
interface Fixture {
  tree: () => string;
  pointer: string;
}

const edited =
  (edit: (s: Spec) => void, folder = "active"): (() => string) =>
  () =>
    specsTree([{ spec: makeSpec(ID, edit), folder, name: `${ID}.json` }]);
const raw =
  (text: string): (() => string) =>
  () =>
    specsTree([{ spec: {}, name: `${ID}.json`, raw: text }]);
const valid = JSON.stringify(makeSpec(ID), null, 2);
const blocks = (s: Spec, from: string, to: string): void => {
  s.hierarchy[from].dependencies = { blocks: [to], blocked_by: [], depends: [] };
};

const FIXTURES: Record<SpecFindingCode, Fixture> = {
  // The "é" of a title written as the one Latin-1 byte 0xE9.
  "json-encoding": { tree: () => tempTree({ [FILE]: Buffer.from(valid.replace('"Demo"', '"Dem\u00e9"'), "latin1") }), pointer: "" },
  "json-bom": { tree: raw("\ufeff" + valid), pointer: "" },
  "json-empty": { tree: raw("  \n"), pointer: "" },
  "json-syntax": { tree: raw(valid.replace('"title": "Demo",', '"title": "Demo",,')), pointer: "" },
  "json-too-deep": { tree: raw(valid.replace('"journal": []', `"journal": ${"[".repeat(1001)}${"]".repeat(1001)}`)), pointer: "" },
  "json-duplicate-key": { tree: raw(valid.replace('"title": "Demo",', '"title": "Demo", "title": "Demo",')), pointer: "/title" },
  "file-not-found": {
    tree: () => {
      const dir = specsTree([]);
      mkdirSync(join(dir, FILE), { recursive: true });
      return dir;
    },
    pointer: "",
  },
  "file-unreadable": {
    // A link to itself: the read fails with neither "no such file" nor "is a directory".
    tree: () => {
      const dir = specsTree([]);
      mkdirSync(join(dir, "specs", "active"), { recursive: true });
      symlinkSync(`${ID}.json`, join(dir, FILE));
      return dir;
    },
    pointer: "",
  },
  schema: { tree: edited((s) => (s.hierarchy["task-1-1"].status = "done")), pointer: "/hierarchy/task-1-1/status" },
  "reserved-key": {
    tree: raw(valid.replace('"command": "true"', '"__proto__": {}, "command": "true"')),
    pointer: "/hierarchy/verify-1-1/metadata/__proto__",
  },
  "spec-id-unsafe": { tree: edited((s) => (s.spec_id = "../demo")), pointer: "/spec_id" },
  "spec-id-format": { tree: () => specsTree([{ spec: makeSpec("demo") }]), pointer: "/spec_id" },
  "spec-id-mismatch": { tree: edited((s) => (s.spec_id = "other-2026-01-01-001")), pointer: "/spec_id" },
  "folder-status-mismatch": { tree: edited(() => undefined, "pending"), pointer: "/metadata/status" },
  "completed-open-work": { tree: edited((s) => (s.metadata.status = "completed"), "completed"), pointer: "/hierarchy/task-1-1/status" },
  "duplicate-spec-id": {
    tree: () => specsTree([{ spec: makeSpec(ID) }, { spec: makeSpec(ID, (s) => (s.metadata.status = "pending")), folder: "pending" }]),
    pointer: "/spec_id",
  },
  "work-item-missing": { tree: edited((s) => (s.metadata.work_item_spec = "items/gone.md")), pointer: "/metadata/work_item_spec" },
  "timestamp-format": { tree: edited((s) => (s.generated = "01/02/2026")), pointer: "/generated" },
  "timestamp-order": {
    tree: edited((s) => (s.hierarchy["task-1-1"].metadata = { started_at: "2026-01-03T00:00:00Z", completed_at: "2026-01-02T00:00:00Z" })),
    pointer: "/hierarchy/task-1-1/metadata/completed_at",
  },
  "hierarchy-no-root": {
    tree: edited((s) => {
      delete s.hierarchy["spec-root"];
    }),
    pointer: "/hierarchy",
  },
  "hierarchy-root": { tree: edited((s) => (s.hierarchy["task-1-2"].type = "spec")), pointer: "/hierarchy/task-1-2/type" },
  "hierarchy-missing-parent": { tree: edited((s) => (s.hierarchy["task-1-2"].parent = "phase-9")), pointer: "/hierarchy/task-1-2/parent" },
  "hierarchy-missing-child": {
    tree: edited((s) => s.hierarchy["phase-1"].children.push("task-1-9")),
    pointer: "/hierarchy/phase-1/children/3",
  },
  "hierarchy-parent-mismatch": {
    tree: edited((s) => (s.hierarchy["task-1-2"].parent = "spec-root")),
    pointer: "/hierarchy/phase-1/children/1",
  },
  "hierarchy-multiple-parents": { tree: edited((s) => s.hierarchy["spec-root"].children.push("task-1-2")), pointer: "/hierarchy/task-1-2" },
  "hierarchy-duplicate-child": {
    tree: edited((s) => s.hierarchy["phase-1"].children.push("task-1-1")),
    pointer: "/hierarchy/phase-1/children/3",
  },
  "hierarchy-cycle": {
    tree: edited((s) => {
      s.hierarchy["task-1-1"].children = ["task-1-2"];
      s.hierarchy["task-1-2"].children = ["task-1-1"];
    }),
    pointer: "/hierarchy/task-1-2/children",
  },
  "hierarchy-orphan": {
    tree: edited((s) => {
      s.hierarchy["phase-1"].children = ["task-1-1", "verify-1-1"];
      s.hierarchy["phase-1"].total_tasks = 2;
      s.hierarchy["spec-root"].total_tasks = 2;
    }),
    pointer: "/hierarchy/task-1-2",
  },
  "node-id-mismatch": { tree: edited((s) => (s.hierarchy["task-1-1"].id = "task-9-9")), pointer: "/hierarchy/task-1-1/id" },
  "rollup-mismatch": { tree: edited((s) => (s.hierarchy["phase-1"].total_tasks = 4)), pointer: "/hierarchy/phase-1/total_tasks" },
  "status-open-work": { tree: edited((s) => (s.hierarchy["phase-1"].status = "completed")), pointer: "/hierarchy/phase-1/status" },
  "status-not-rolled-up": {
    tree: edited((s) => {
      for (const id of ["task-1-1", "task-1-2", "verify-1-1"]) {
        s.hierarchy[id].status = "completed";
        s.hierarchy[id].completed_tasks = 1;
        s.hierarchy[id].metadata.completed_at = "2026-01-02T00:00:00Z";
      }
      s.hierarchy["phase-1"].completed_tasks = 3;
      s.hierarchy["spec-root"].completed_tasks = 3;
      s.hierarchy["phase-1"].status = "completed";
    }),
    pointer: "/hierarchy/spec-root/status",
  },
  "stale-metadata": {
    tree: edited((s) => (s.hierarchy["task-1-2"].metadata.blocker_type = "technical")),
    pointer: "/hierarchy/task-1-2/metadata/blocker_type",
  },
  "task-category": {
    tree: edited((s) => (s.hierarchy["task-1-1"].metadata.task_category = "coding")),
    pointer: "/hierarchy/task-1-1/metadata/task_category",
  },
  "file-path-missing": {
    tree: edited((s) => (s.hierarchy["task-1-1"].metadata.task_category = "implementation")),
    pointer: "/hierarchy/task-1-1/metadata",
  },
  "verification-type-missing": {
    tree: edited((s) => delete s.hierarchy["verify-1-1"].metadata.verification_type),
    pointer: "/hierarchy/verify-1-1/metadata",
  },
  "dependency-self": { tree: edited((s) => blocks(s, "task-1-1", "task-1-1")), pointer: "/hierarchy/task-1-1/dependencies/blocks/0" },
  "dependency-missing": { tree: edited((s) => blocks(s, "task-1-1", "task-7-7")), pointer: "/hierarchy/task-1-1/dependencies/blocks/0" },
  "dependency-asymmetric": { tree: edited((s) => blocks(s, "task-1-1", "task-1-2")), pointer: "/hierarchy/task-1-1/dependencies/blocks/0" },
  "dependency-cycle": {
    tree: edited((s) => {
      s.hierarchy["task-1-1"].dependencies = { blocks: ["task-1-2"], blocked_by: ["task-1-2"], depends: [] };
      s.hierarchy["task-1-2"].dependencies = { blocks: ["task-1-1"], blocked_by: ["task-1-1"], depends: [] };
    }),
    pointer: "/hierarchy/task-1-1/dependencies/blocked_by",
  },
  "journal-unknown-node": {
    tree: edited((s) =>
      s.journal.push({ timestamp: "2026-01-01T00:00:00Z", entry_type: "note", title: "t", content: "c", task_id: "task-7-7" }),
    ),
    pointer: "/journal/0/task_id",
  },
  "journal-entry-type": {
    tree: edited((s) => s.journal.push({ timestamp: "2026-01-01T00:00:00Z", entry_type: "gossip", title: "t", content: "c" })),
    pointer: "/journal/0/entry_type",
  },
  unjournaled: {
    tree: edited((s) => {
      s.hierarchy["task-1-1"].status = "completed";
      s.hierarchy["task-1-1"].completed_tasks = 1;
      s.hierarchy["task-1-1"].metadata.completed_at = "2026-01-02T00:00:00Z";
      s.hierarchy["phase-1"].completed_tasks = 1;
      s.hierarchy["spec-root"].completed_tasks = 1;
    }),
    pointer: "/hierarchy/task-1-1",
  },
};

/** What the tree's checks report: validate's findings, or the journaling gate's for its one code. */
function findingsOf(code: SpecFindingCode, dir: string): RawFinding[] {
  if (code !== "unjournaled") return runValidate({ cwd: dir, targets: [], env: {} }).findings;
  const doc: unknown = JSON.parse(readFileSync(join(dir, FILE), "utf8"));
  return unjournaledFindings(findUnjournaled(doc, new Set(["task", "verify"])));
}

describe("every registry code fires from a small fixture", () => {
  it("has a fixture for every code of the registry, and none for a code it does not have", () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(SPEC_RULES.map((r) => r.code).sort());
  });

  it.each(SPEC_RULES.map((r) => [r.code, r] as const))("%s", (code, rule) => {
    const fixture = FIXTURES[code];
    const found = findingsOf(code, fixture.tree()).filter((f) => f.code === code);
    expect(found.length, `no ${code} finding`).toBeGreaterThan(0);
    expect(found.map((f) => f.pointer)).toContain(fixture.pointer);
    for (const f of found) {
      expect(f.severity).toBe(rule.severity);
      expect(f.message.length).toBeGreaterThan(10);
    }
  });
});
