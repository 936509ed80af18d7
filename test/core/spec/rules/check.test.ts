/**
 * The pure semantic rules (checkSpec) and their interplay with the schema pass: one case per
 * rule code that makes it fire, and cases proving one defect gives one finding.
 */
import { describe, expect, it } from "vitest";
import type { RawFinding } from "../../../../src/core/findings.js";
import { SPEC_RULES } from "../../../../src/core/spec/rules/registry.js";
import { checkSpec, type RuleContext } from "../../../../src/core/spec/rules/index.js";
import { schemaFindings } from "../../../../src/core/schema/validate.js";
import { makeSpec } from "../../../helpers.js";

type Spec = Record<string, any>;
type Expected = [code: string, severity: RawFinding["severity"], pointer: string];

const edit = (fn: (s: Spec) => void): Spec => makeSpec(undefined, fn);

/** Rewrite a spec through its JSON text: the only way to get an own "__proto__" key. */
const viaJson = (spec: Spec, from: string, to: string): Spec => JSON.parse(JSON.stringify(spec).split(from).join(to)) as Spec;

const triples = (findings: RawFinding[]): Expected[] =>
  findings.map((f): Expected => [f.code, f.severity, f.pointer]).sort((a, b) => (a.join(" ") < b.join(" ") ? -1 : 1));

/** Mark a leaf completed and keep every roll-up right. */
function complete(s: Spec, id: string): void {
  const node = s.hierarchy[id];
  node.status = "completed";
  node.completed_tasks = 1;
  node.metadata = { ...node.metadata, completed_at: "2026-01-02T00:00:00Z" };
  for (let p = node.parent; typeof p === "string"; p = s.hierarchy[p].parent) s.hierarchy[p].completed_tasks += 1;
}

const TASK_FIELDS = { title: "T", status: "pending", children: [], total_tasks: 1, completed_tasks: 0, metadata: {} };

interface RuleCase {
  name: string;
  spec: Spec;
  ctx?: RuleContext;
  expected: Expected[];
}

const RULE_CASES: RuleCase[] = [
  {
    name: "reserved-key: __proto__ as a node id",
    spec: viaJson(makeSpec(), '"task-1-2"', '"__proto__"'),
    expected: [["reserved-key", "error", "/hierarchy/__proto__"]],
  },
  {
    name: "reserved-key: constructor as a node id",
    spec: viaJson(makeSpec(), '"task-1-2"', '"constructor"'),
    expected: [["reserved-key", "error", "/hierarchy/constructor"]],
  },
  {
    name: "reserved-key: __proto__ as a key anywhere",
    spec: viaJson(makeSpec(), '"verification_type"', '"__proto__":{},"verification_type"'),
    expected: [["reserved-key", "error", "/hierarchy/verify-1-1/metadata/__proto__"]],
  },
  {
    name: "spec-id-unsafe: a path in spec_id",
    spec: makeSpec("../x"),
    expected: [["spec-id-unsafe", "error", "/spec_id"]],
  },
  {
    name: "spec-id-unsafe: a slash in spec_id",
    spec: makeSpec("team/demo-2026-01-01-001"),
    expected: [["spec-id-unsafe", "error", "/spec_id"]],
  },
  {
    name: "spec-id-format",
    spec: makeSpec("demo"),
    expected: [["spec-id-format", "warning", "/spec_id"]],
  },
  {
    name: "spec-id-mismatch",
    spec: makeSpec(),
    ctx: { fileStem: "other-2026-01-01-001" },
    expected: [["spec-id-mismatch", "error", "/spec_id"]],
  },
  {
    name: "folder-status-mismatch",
    spec: makeSpec(),
    ctx: { folder: "archived" },
    expected: [["folder-status-mismatch", "warning", "/metadata/status"]],
  },
  {
    name: "completed-open-work: a spec filed in completed/ with work open",
    spec: edit((s) => {
      s.metadata.status = "completed";
      complete(s, "task-1-1");
    }),
    ctx: { folder: "completed" },
    expected: [["completed-open-work", "error", "/hierarchy/task-1-2/status"]],
  },
  {
    name: "timestamp-format: top level",
    spec: edit((s) => (s.generated = "yesterday")),
    expected: [["timestamp-format", "warning", "/generated"]],
  },
  {
    name: "timestamp-format: an impossible month",
    spec: edit((s) => (s.last_updated = "2026-13-01T00:00:00Z")),
    expected: [["timestamp-format", "warning", "/last_updated"]],
  },
  {
    name: "timestamp-format: node metadata",
    spec: edit((s) => (s.hierarchy["task-1-1"].metadata.started_at = "01/02/2026")),
    expected: [["timestamp-format", "warning", "/hierarchy/task-1-1/metadata/started_at"]],
  },
  {
    name: "timestamp-format: journal entry",
    spec: edit((s) => s.journal.push({ timestamp: "last tuesday", entry_type: "note", title: "t", content: "c" })),
    expected: [["timestamp-format", "warning", "/journal/0/timestamp"]],
  },
  {
    name: "timestamp-order",
    spec: edit((s) => {
      complete(s, "task-1-1");
      s.hierarchy["task-1-1"].metadata.started_at = "2026-01-03T00:00:00Z";
    }),
    expected: [["timestamp-order", "warning", "/hierarchy/task-1-1/metadata/completed_at"]],
  },
  {
    name: "hierarchy-no-root",
    spec: edit((s) => delete s.hierarchy["spec-root"]),
    expected: [["hierarchy-no-root", "error", "/hierarchy"]],
  },
  {
    name: "hierarchy-root: root with a parent",
    spec: edit((s) => (s.hierarchy["spec-root"].parent = "phase-1")),
    expected: [["hierarchy-root", "error", "/hierarchy/spec-root/parent"]],
  },
  {
    name: "hierarchy-root: root of the wrong type",
    spec: edit((s) => (s.hierarchy["spec-root"].type = "phase")),
    expected: [["hierarchy-root", "error", "/hierarchy/spec-root/type"]],
  },
  {
    name: "hierarchy-root: a second node of type spec",
    spec: edit((s) => (s.hierarchy["phase-1"].type = "spec")),
    expected: [["hierarchy-root", "error", "/hierarchy/phase-1/type"]],
  },
  {
    name: "hierarchy-missing-parent: parent null",
    spec: edit((s) => (s.hierarchy["task-1-2"].parent = null)),
    expected: [["hierarchy-missing-parent", "error", "/hierarchy/task-1-2/parent"]],
  },
  {
    name: "hierarchy-missing-parent: parent does not exist",
    spec: edit((s) => (s.hierarchy["task-1-2"].parent = "phase-9")),
    expected: [["hierarchy-missing-parent", "error", "/hierarchy/task-1-2/parent"]],
  },
  {
    name: "hierarchy-missing-child",
    spec: edit((s) => s.hierarchy["phase-1"].children.push("task-1-9")),
    expected: [["hierarchy-missing-child", "error", "/hierarchy/phase-1/children/3"]],
  },
  {
    name: "hierarchy-parent-mismatch",
    spec: edit((s) => (s.hierarchy["task-1-2"].parent = "spec-root")),
    expected: [["hierarchy-parent-mismatch", "error", "/hierarchy/phase-1/children/1"]],
  },
  {
    name: "hierarchy-multiple-parents",
    spec: edit((s) => {
      s.hierarchy["phase-2"] = { type: "phase", ...TASK_FIELDS, parent: "spec-root", children: ["task-1-2"] };
      s.hierarchy["spec-root"].children.push("phase-2");
      s.hierarchy["spec-root"].total_tasks = 4;
    }),
    expected: [["hierarchy-multiple-parents", "error", "/hierarchy/task-1-2"]],
  },
  {
    name: "hierarchy-duplicate-child",
    spec: edit((s) => s.hierarchy["phase-1"].children.push("task-1-1")),
    expected: [["hierarchy-duplicate-child", "error", "/hierarchy/phase-1/children/3"]],
  },
  {
    name: "hierarchy-cycle",
    spec: edit((s) => {
      s.hierarchy["task-1-1"].type = "group";
      s.hierarchy["task-1-1"].children = ["task-1-3"];
      s.hierarchy["task-1-3"] = { type: "task", ...TASK_FIELDS, parent: "task-1-1", children: ["task-1-1"] };
    }),
    // The back edge also makes task-1-1 a child of two nodes; the counts are not guessed.
    expected: [
      ["hierarchy-cycle", "error", "/hierarchy/task-1-3/children"],
      ["hierarchy-multiple-parents", "error", "/hierarchy/task-1-1"],
    ],
  },
  {
    name: "hierarchy-orphan",
    spec: edit((s) => (s.hierarchy["task-1-9"] = { type: "task", ...TASK_FIELDS, parent: "phase-1" })),
    expected: [["hierarchy-orphan", "error", "/hierarchy/task-1-9"]],
  },
  {
    name: "node-id-mismatch",
    spec: edit((s) => (s.hierarchy["task-1-1"].id = "task-9-9")),
    expected: [["node-id-mismatch", "error", "/hierarchy/task-1-1/id"]],
  },
  {
    name: "rollup-mismatch: container total",
    spec: edit((s) => (s.hierarchy["phase-1"].total_tasks = 4)),
    expected: [["rollup-mismatch", "error", "/hierarchy/phase-1/total_tasks"]],
  },
  {
    name: "rollup-mismatch: leaf completed count",
    spec: edit((s) => (s.hierarchy["task-1-1"].completed_tasks = 1)),
    expected: [["rollup-mismatch", "error", "/hierarchy/task-1-1/completed_tasks"]],
  },
  {
    name: "rollup-mismatch: a phase with no children holds 0/0, 1/0 or 1/1, nothing else",
    spec: edit((s) => {
      s.hierarchy["phase-2"] = { type: "phase", ...TASK_FIELDS, parent: "spec-root", total_tasks: 2 };
      s.hierarchy["spec-root"].children.push("phase-2");
      s.hierarchy["spec-root"].total_tasks = 5;
    }),
    // spec-root holds the sum of its children's stored counts: only the phase is wrong.
    expected: [["rollup-mismatch", "error", "/hierarchy/phase-2/total_tasks"]],
  },
  {
    name: "rollup-mismatch: both empty-container conventions are accepted (0/0 generated, 1/0 recalculated)",
    spec: edit((s) => {
      s.hierarchy["phase-2"] = { type: "phase", ...TASK_FIELDS, parent: "spec-root", total_tasks: 0 };
      s.hierarchy["phase-3"] = { type: "phase", ...TASK_FIELDS, parent: "spec-root" };
      s.hierarchy["spec-root"].children.push("phase-2", "phase-3");
      s.hierarchy["spec-root"].total_tasks = 4;
    }),
    expected: [],
  },
  {
    name: "rollup-mismatch: a completed empty group stored as 1/1 (the Python recalculation) is accepted",
    spec: edit((s) => {
      s.hierarchy["group-1"] = { type: "group", ...TASK_FIELDS, status: "completed", completed_tasks: 1, parent: "phase-1" };
      s.hierarchy["phase-1"].children.push("group-1");
      s.hierarchy["phase-1"].total_tasks += 1;
      s.hierarchy["phase-1"].completed_tasks += 1;
      s.hierarchy["spec-root"].total_tasks += 1;
      s.hierarchy["spec-root"].completed_tasks += 1;
    }),
    expected: [],
  },
  {
    name: "status-open-work",
    spec: edit((s) => (s.hierarchy["phase-1"].status = "completed")),
    expected: [["status-open-work", "error", "/hierarchy/phase-1/status"]],
  },
  {
    name: "status-not-rolled-up",
    spec: edit((s) => {
      for (const id of ["task-1-1", "task-1-2", "verify-1-1"]) complete(s, id);
      s.hierarchy["spec-root"].status = "completed";
    }),
    expected: [["status-not-rolled-up", "warning", "/hierarchy/phase-1/status"]],
  },
  {
    name: "stale-metadata: completed_at on a reopened leaf",
    spec: edit((s) => (s.hierarchy["task-1-1"].metadata.completed_at = "2026-01-02T00:00:00Z")),
    expected: [["stale-metadata", "warning", "/hierarchy/task-1-1/metadata/completed_at"]],
  },
  {
    name: "stale-metadata: blocker fields on an unblocked node",
    spec: edit((s) => Object.assign(s.hierarchy["task-1-1"].metadata, { blocker_type: "technical", blocker_description: "waiting" })),
    expected: [["stale-metadata", "warning", "/hierarchy/task-1-1/metadata/blocker_type"]],
  },
  {
    name: "task-category",
    spec: edit((s) => (s.hierarchy["task-1-1"].metadata.task_category = "coding")),
    expected: [["task-category", "error", "/hierarchy/task-1-1/metadata/task_category"]],
  },
  {
    name: "file-path-missing",
    spec: edit((s) => (s.hierarchy["task-1-1"].metadata.task_category = "refactoring")),
    expected: [["file-path-missing", "warning", "/hierarchy/task-1-1/metadata"]],
  },
  {
    name: "verification-type-missing",
    spec: edit((s) => delete s.hierarchy["verify-1-1"].metadata.verification_type),
    expected: [["verification-type-missing", "warning", "/hierarchy/verify-1-1/metadata"]],
  },
  {
    name: "dependency-self",
    spec: edit((s) => (s.hierarchy["task-1-1"].dependencies.blocked_by = ["task-1-1"])),
    expected: [["dependency-self", "error", "/hierarchy/task-1-1/dependencies/blocked_by/0"]],
  },
  {
    name: "dependency-missing",
    spec: edit((s) => (s.hierarchy["task-1-1"].dependencies.depends = ["task-7-7"])),
    expected: [["dependency-missing", "error", "/hierarchy/task-1-1/dependencies/depends/0"]],
  },
  {
    name: "dependency-asymmetric",
    spec: edit((s) => (s.hierarchy["task-1-1"].dependencies.blocks = ["task-1-2"])),
    expected: [["dependency-asymmetric", "error", "/hierarchy/task-1-1/dependencies/blocks/0"]],
  },
  {
    name: "dependency-cycle",
    spec: edit((s) => {
      s.hierarchy["task-1-1"].dependencies = { blocks: ["task-1-2"], blocked_by: ["task-1-2"] };
      s.hierarchy["task-1-2"].dependencies = { blocks: ["task-1-1"], blocked_by: ["task-1-1"] };
    }),
    expected: [["dependency-cycle", "error", "/hierarchy/task-1-1/dependencies/blocked_by"]],
  },
  {
    name: "journal-unknown-node",
    spec: edit((s) =>
      s.journal.push({ timestamp: "2026-01-01T00:00:00Z", entry_type: "note", title: "t", content: "c", task_id: "task-7-7" }),
    ),
    expected: [["journal-unknown-node", "warning", "/journal/0/task_id"]],
  },
  {
    name: "journal-entry-type",
    spec: edit((s) => s.journal.push({ timestamp: "2026-01-01T00:00:00Z", entry_type: "gossip", title: "t", content: "c" })),
    expected: [["journal-entry-type", "warning", "/journal/0/entry_type"]],
  },
];

describe("checkSpec", () => {
  it("finds nothing in the valid spec the other cases start from", () => {
    expect(schemaFindings("spec", makeSpec())).toEqual([]);
    expect(checkSpec(makeSpec(), { fileStem: "demo-2026-01-01-001", folder: "active" })).toEqual([]);
  });

  it.each(RULE_CASES)("$name", ({ spec, ctx, expected }) => {
    // Each case is schema-valid: the finding comes from the rules alone.
    expect(schemaFindings("spec", spec)).toEqual([]);
    const findings = checkSpec(spec, ctx ?? {});
    expect(triples(findings)).toEqual([...expected].sort((a, b) => (a.join(" ") < b.join(" ") ? -1 : 1)));
    for (const f of findings) expect(f.message.length).toBeGreaterThan(10);
  });

  it("has a case for every code the rules report", () => {
    const covered = new Set(RULE_CASES.flatMap((c) => c.expected.map((e) => e[0])));
    const ruleCodes = SPEC_RULES.filter((r) => r.layer === "rules").map((r) => r.code);
    expect(ruleCodes.filter((c) => !covered.has(c))).toEqual([]);
  });

  it("returns no findings for a value that is not an object (the schema reports it)", () => {
    expect(checkSpec([])).toEqual([]);
    expect(checkSpec("spec")).toEqual([]);
    expect(checkSpec(null)).toEqual([]);
  });

  it("accepts every status that belongs in each folder", () => {
    const ok: [NonNullable<RuleContext["folder"]>, string][] = [
      ["pending", "pending"],
      ["pending", "draft"],
      ["pending", "approved"],
      ["pending", "planned"],
      ["active", "active"],
      ["active", "in_progress"],
      ["completed", "completed"],
      ["archived", "archived"],
    ];
    for (const [folder, status] of ok) {
      expect(
        checkSpec(
          edit((s) => {
            s.metadata.status = status;
            // completed/ holds finished work (else completed-open-work).
            if (folder === "completed") {
              for (const id of ["task-1-1", "task-1-2", "verify-1-1"]) complete(s, id);
              for (const id of ["phase-1", "spec-root"]) s.hierarchy[id].status = "completed";
            }
          }),
          { folder },
        ),
      ).toEqual([]);
    }
  });

  it("counts a leaf task, subtask or verify as 1 and an empty phase or group as 0", () => {
    const spec = edit((s) => {
      s.hierarchy["phase-2"] = { type: "phase", ...TASK_FIELDS, parent: "spec-root", total_tasks: 0 };
      s.hierarchy["group-1"] = { type: "group", ...TASK_FIELDS, parent: "phase-1", total_tasks: 0 };
      s.hierarchy["task-1-2"].children = ["sub-1", "sub-2"];
      s.hierarchy["task-1-2"].total_tasks = 2;
      s.hierarchy["sub-1"] = { type: "subtask", ...TASK_FIELDS, parent: "task-1-2" };
      s.hierarchy["sub-2"] = { type: "subtask", ...TASK_FIELDS, parent: "task-1-2" };
      s.hierarchy["spec-root"].children.push("phase-2");
      s.hierarchy["phase-1"].children.push("group-1");
      s.hierarchy["phase-1"].total_tasks = 4;
      s.hierarchy["spec-root"].total_tasks = 4;
    });
    expect(schemaFindings("spec", spec)).toEqual([]);
    expect(checkSpec(spec)).toEqual([]);
  });

  it("explains a roll-up mismatch with the expected counts", () => {
    const [leaf] = checkSpec(edit((s) => (s.hierarchy["task-1-1"].completed_tasks = 1)));
    expect(leaf?.message).toBe('node "task-1-1" says 1/1 tasks but as a leaf task it counts 0/1');
    const [phase] = checkSpec(
      edit((s) => {
        s.hierarchy["phase-2"] = { type: "phase", ...TASK_FIELDS, parent: "spec-root", total_tasks: 2 };
        s.hierarchy["spec-root"].children.push("phase-2");
        s.hierarchy["spec-root"].total_tasks = 5;
      }),
    );
    expect(phase?.message).toBe('node "phase-2" says 0/2 tasks but a phase with no children holds no work (0/0)');
  });

  it("reports a cycle over blocked_by once, however many nodes it has", () => {
    const spec = edit((s) => {
      const ids = ["task-1-1", "task-1-2", "verify-1-1"];
      ids.forEach((id, i) => {
        const next = ids[(i + 1) % ids.length];
        const prev = ids[(i + ids.length - 1) % ids.length];
        s.hierarchy[id].dependencies = { blocks: [next], blocked_by: [prev], depends: [] };
      });
    });
    const findings = checkSpec(spec);
    expect(triples(findings)).toEqual([["dependency-cycle", "error", "/hierarchy/task-1-1/dependencies/blocked_by"]]);
    expect(findings[0]?.message).toBe("blocked_by forms a cycle: task-1-1 -> verify-1-1 -> task-1-2 -> task-1-1");
  });

  it("does not treat constructor or toString as existing nodes", () => {
    const spec = edit((s) => {
      s.hierarchy["task-1-1"].dependencies.depends = ["constructor", "toString"];
      s.hierarchy["task-1-2"].parent = "hasOwnProperty";
    });
    expect(triples(checkSpec(spec))).toEqual([
      ["dependency-missing", "error", "/hierarchy/task-1-1/dependencies/depends/0"],
      ["dependency-missing", "error", "/hierarchy/task-1-1/dependencies/depends/1"],
      ["hierarchy-missing-parent", "error", "/hierarchy/task-1-2/parent"],
    ]);
  });
});

describe("one defect, one finding", () => {
  const ONE_SCHEMA_FINDING: { name: string; spec: Spec; pointer: string }[] = [
    {
      name: "a status outside the enum",
      spec: edit((s) => (s.hierarchy["task-1-1"].status = "done")),
      pointer: "/hierarchy/task-1-1/status",
    },
    { name: "a status that is a number", spec: edit((s) => (s.hierarchy["task-1-1"].status = 3)), pointer: "/hierarchy/task-1-1/status" },
    {
      name: "a completed count that a bad status makes wrong",
      spec: edit((s) => {
        complete(s, "task-1-1");
        s.hierarchy["task-1-1"].status = "done";
      }),
      pointer: "/hierarchy/task-1-1/status",
    },
    {
      name: "a node type outside the enum",
      spec: edit((s) => (s.hierarchy["task-1-1"].type = "epic")),
      pointer: "/hierarchy/task-1-1/type",
    },
    {
      name: "children that is a string",
      spec: edit((s) => (s.hierarchy["phase-1"].children = "task-1-1")),
      pointer: "/hierarchy/phase-1/children",
    },
    {
      name: "a child id that is a number",
      spec: edit((s) => (s.hierarchy["phase-1"].children[0] = 7)),
      pointer: "/hierarchy/phase-1/children/0",
    },
    { name: "a node that is an array", spec: edit((s) => (s.hierarchy["task-1-1"] = [])), pointer: "/hierarchy/task-1-1" },
    {
      name: "total_tasks that is a string",
      spec: edit((s) => (s.hierarchy["phase-1"].total_tasks = "3")),
      pointer: "/hierarchy/phase-1/total_tasks",
    },
    {
      name: "a root parent that is a number",
      spec: edit((s) => (s.hierarchy["spec-root"].parent = 0)),
      pointer: "/hierarchy/spec-root/parent",
    },
    { name: "a root that is not an object", spec: edit((s) => (s.hierarchy["spec-root"] = "root")), pointer: "/hierarchy/spec-root" },
    { name: "hierarchy that is an array", spec: edit((s) => (s.hierarchy = [])), pointer: "/hierarchy" },
    { name: "an empty hierarchy", spec: edit((s) => (s.hierarchy = {})), pointer: "/hierarchy" },
    { name: "metadata that is a string", spec: edit((s) => (s.metadata = "active")), pointer: "/metadata" },
    { name: "journal that is an object", spec: edit((s) => (s.journal = {})), pointer: "/journal" },
    { name: "spec_id that is a number", spec: edit((s) => (s.spec_id = 42)), pointer: "/spec_id" },
    {
      name: "blocked_by that is a string",
      spec: edit((s) => (s.hierarchy["task-1-1"].dependencies.blocked_by = "task-1-2")),
      pointer: "/hierarchy/task-1-1/dependencies/blocked_by",
    },
    {
      name: "details that is neither a string nor a list",
      spec: edit((s) => (s.hierarchy["task-1-1"].metadata.details = 5)),
      pointer: "/hierarchy/task-1-1/metadata/details",
    },
    {
      name: "a missing required node field",
      spec: edit((s) => delete s.hierarchy["task-1-1"].title),
      pointer: "/hierarchy/task-1-1/title",
    },
  ];

  it.each(ONE_SCHEMA_FINDING)("$name: exactly one schema finding and none from the rules", ({ spec, pointer }) => {
    const schema = schemaFindings("spec", spec);
    expect(schema.map((f) => [f.code, f.severity, f.pointer])).toEqual([["schema", "error", pointer]]);
    expect(checkSpec(spec)).toEqual([]);
  });

  it("a child whose parent link disagrees is reported once, on the list that disagrees", () => {
    const spec = edit((s) => {
      s.hierarchy["phase-2"] = { type: "phase", ...TASK_FIELDS, parent: "spec-root", total_tasks: 0 };
      s.hierarchy["spec-root"].children.push("phase-2");
      s.hierarchy["task-1-2"].parent = "phase-2";
    });
    expect(triples(checkSpec(spec))).toEqual([["hierarchy-parent-mismatch", "error", "/hierarchy/phase-1/children/1"]]);
  });

  it("a missing root is not also reported as each phase's missing parent", () => {
    const spec = edit((s) => {
      s.hierarchy["phase-2"] = { type: "phase", ...TASK_FIELDS, parent: "spec-root", total_tasks: 0 };
      delete s.hierarchy["spec-root"];
    });
    expect(triples(checkSpec(spec))).toEqual([["hierarchy-no-root", "error", "/hierarchy"]]);
  });
});

describe("tree checks on a hierarchy that is almost a sound tree", () => {
  const PHASE = { title: "P", status: "pending", children: [], total_tasks: 0, completed_tasks: 0, metadata: {} };

  it("a child listed twice while a sibling is listed nowhere: both defects, and the roll-ups", () => {
    const spec = edit((s) => (s.hierarchy["phase-1"].children = ["task-1-1", "task-1-1", "verify-1-1"]));
    expect(checkSpec(spec).map((f) => [f.code, f.severity, f.pointer])).toEqual([
      ["hierarchy-duplicate-child", "error", "/hierarchy/phase-1/children/1"],
      ["hierarchy-orphan", "error", "/hierarchy/task-1-2"],
      // spec-root holds the sum of phase-1's stored counts: the one wrong count is phase-1's.
      ["rollup-mismatch", "error", "/hierarchy/phase-1/total_tasks"],
    ]);
  });

  it("two nodes listing each other away from the root are orphans (the walk from the root meets no cycle)", () => {
    const spec = edit((s) => {
      s.hierarchy["phase-2"] = { type: "phase", ...PHASE, parent: "phase-3", children: ["phase-3"] };
      s.hierarchy["phase-3"] = { type: "phase", ...PHASE, parent: "phase-2", children: ["phase-2"] };
    });
    expect(checkSpec(spec).map((f) => [f.code, f.pointer])).toEqual([
      ["hierarchy-orphan", "/hierarchy/phase-2"],
      ["hierarchy-orphan", "/hierarchy/phase-3"],
    ]);
  });

  it("a node that is its own parent and child is an orphan", () => {
    const spec = edit((s) => {
      s.hierarchy["task-1-2"].children = ["task-1-2"];
      s.hierarchy["task-1-2"].parent = "task-1-2";
      s.hierarchy["phase-1"].children = ["task-1-1", "verify-1-1"];
    });
    expect(checkSpec(spec).map((f) => [f.code, f.pointer])).toEqual([
      ["hierarchy-orphan", "/hierarchy/task-1-2"],
      ["rollup-mismatch", "/hierarchy/phase-1/total_tasks"],
    ]);
  });
});

describe("timestamps", () => {
  // The definition: the pattern, then Date.parse (a space for the "T" is read as a "T").
  const PATTERN = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
  const valid = (ts: string): boolean => PATTERN.test(ts) && !Number.isNaN(Date.parse(ts.length === 10 ? ts : ts.replace(" ", "T")));
  const SAMPLES = [
    "2026-01-05T10:00:00Z",
    "2026-01-05T10:00:00.5Z",
    "2026-01-05T10:00:00.25Z",
    "2026-01-05T10:00:00.125Z",
    "2026-01-05T10:00:00.1255Z",
    "2026-02-30T10:00:00Z",
    "2026-02-29T00:00:00Z",
    "2024-02-29T23:59:59Z",
    "2026-04-31T12:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-00-10T00:00:00Z",
    "2026-01-32T00:00:00Z",
    "2026-01-05T24:00:00Z",
    "2026-01-05T23:60:00Z",
    "2026-01-05T23:59:60Z",
    "2026-01-05 10:00:00Z",
    "2026-01-05",
    "2026-01-05T10:00",
    "2026-01-05T10:00:00+05:30",
    "2026-01-05T10:00:00+0530",
    "0999-01-01T00:00:00Z",
    "1000-03-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z",
    "2026-1-05T10:00:00Z",
    "soon",
  ];

  it("timestamp-format and timestamp-order follow that definition and Date.parse, for every pair", () => {
    const at = "/hierarchy/task-1-1/metadata";
    for (const started of SAMPLES) {
      for (const completed of SAMPLES) {
        const spec = edit((s) => (s.hierarchy["task-1-1"].metadata = { started_at: started, completed_at: completed }));
        const expected: [string, string][] = [];
        if (!valid(started)) expected.push(["timestamp-format", `${at}/started_at`]);
        if (!valid(completed)) expected.push(["timestamp-format", `${at}/completed_at`]);
        if (valid(started) && valid(completed) && Date.parse(completed) < Date.parse(started)) {
          expected.push(["timestamp-order", `${at}/completed_at`]);
        }
        const found = checkSpec(spec)
          .filter((f) => f.code.startsWith("timestamp"))
          .map((f): [string, string] => [f.code, f.pointer]);
        expect(found, `${started} .. ${completed}`).toEqual(expected);
      }
    }
  });
});
