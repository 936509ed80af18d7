/**
 * `sdd status`, the board: a fixture of four specs with claimed, unclaimed, expired, blocked
 * and waiting tasks, shown at a pinned time, as text (NO_COLOR) and as JSON.
 */
import { describe, expect, it } from "vitest";
import { makeStyle } from "../../src/ui/style.js";
import { renderBoard } from "../../src/ui/board.js";
import { statusBoard } from "../../src/core/claims/board.js";
import { makeSpec, oneJson, runCli, specsTree } from "../helpers.js";

const NOW = "2026-03-01T12:00:00.000Z";

function fixture(): string {
  const api = makeSpec("api-2026-02-01-001", (s) => {
    s.title = "API";
    s.metadata.title = "Public API";
    const h = s.hierarchy;
    h["task-1-1"].status = "completed";
    h["task-1-1"].completed_tasks = 1;
    h["task-1-1"].metadata = { completed_at: "2026-02-20T10:00:00Z", completed_by: "ann", journaled_at: "2026-02-20T10:00:00Z" };
    h["task-1-2"].status = "in_progress";
    h["task-1-2"].metadata = {
      started_at: "2026-03-01T09:30:00.000Z",
      claimed_by: "bob",
      claimed_at: "2026-03-01T09:30:00.000Z",
      lease_expires_at: "2026-03-01T12:30:00.000Z",
    };
    h["verify-1-1"].status = "blocked";
    h["verify-1-1"].metadata = {
      ...h["verify-1-1"].metadata,
      blocked_at: "2026-02-28T08:00:00Z",
      blocker_type: "resource",
      blocker_description: "staging database is down",
      blocker_ticket: "OPS-12",
    };
    h["phase-1"].status = "in_progress";
    h["phase-1"].completed_tasks = 1;
    h["spec-root"].status = "in_progress";
    h["spec-root"].completed_tasks = 1;
  });
  const web = makeSpec("web-2026-02-02-001", (s) => {
    s.title = "Web";
    s.metadata.title = "Web client";
    const h = s.hierarchy;
    h["task-1-1"].status = "in_progress";
    h["task-1-1"].metadata = {
      started_at: "2026-02-27T12:00:00.000Z",
      claimed_by: "cy",
      claimed_at: "2026-02-27T12:00:00.000Z",
      lease_expires_at: "2026-02-28T12:00:00.000Z",
    };
    h["task-1-2"].status = "in_progress";
    h["task-1-2"].metadata = { started_at: "2026-03-01T11:58:30.000Z" };
    h["task-1-2"].dependencies = { blocks: ["verify-1-1"], blocked_by: [], depends: [] };
    h["verify-1-1"].dependencies = { blocks: [], blocked_by: ["task-1-2"], depends: [] };
    h["phase-1"].status = "in_progress";
    h["spec-root"].status = "in_progress";
  });
  const next = makeSpec("docs-2026-03-01-001", (s) => {
    s.title = "Docs";
    s.metadata = { title: "Docs", status: "pending" };
  });
  const done = makeSpec("init-2026-01-01-001", (s) => {
    s.title = "Init";
    s.metadata = { title: "Bootstrap", status: "completed" };
    for (const id of Object.keys(s.hierarchy)) {
      const n = s.hierarchy[id];
      n.status = "completed";
      n.completed_tasks = n.total_tasks;
      if (["task-1-1", "task-1-2", "verify-1-1"].includes(id)) n.metadata.completed_at = "2026-01-10T10:00:00Z";
    }
  });
  return specsTree([{ spec: api }, { spec: web }, { folder: "pending", spec: next }, { folder: "completed", spec: done }]);
}

const env = { SDD_NOW: NOW, GIT_CEILING_DIRECTORIES: "/" };

describe("sdd status", () => {
  it("prints the board as text", async () => {
    const dir = fixture();
    const r = await runCli(["status", "--specs-dir", "specs"], { cwd: dir, env: { ...env, GIT_CEILING_DIRECTORIES: dir } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("\u001b[");
    expect(r.stdout).toMatchInlineSnapshot(`
      "4 specs: 4/12 tasks done, 3 in progress, 1 blocked, 1 ready

      api-2026-02-01-001 (active) Public API
        [#######-------------]  33%  1/3  ready 0
        in progress task-1-2 Second - bob, 2h 30m
        blocked verify-1-1 Check - resource: staging database is down (OPS-12)

      web-2026-02-02-001 (active) Web client
        [--------------------]   0%  0/3  ready 1
        in progress task-1-1 First - cy, 2d 0h lease expired
        in progress task-1-2 Second - unclaimed, 1m

      docs-2026-03-01-001 (pending) Docs
        [--------------------]   0%  0/3

      init-2026-01-01-001 (completed) Bootstrap
        [####################] 100%  3/3
      "
    `);
  });

  it("prints the board as one JSON document", async () => {
    const dir = fixture();
    const r = await runCli(["status", "--specs-dir", "specs", "--json"], { cwd: dir, env: { ...env, GIT_CEILING_DIRECTORIES: dir } });
    expect(r.code, r.stderr).toBe(0);
    const j = oneJson(r.stdout);
    for (const s of j.specs) s.file = s.file.replace(/\\/g, "/");
    expect(j).toMatchInlineSnapshot(`
      {
        "as_of": "2026-03-01T12:00:00.000Z",
        "command": "status",
        "exit_code": 0,
        "ok": true,
        "schema_version": 2,
        "specs": [
          {
            "blocked": [
              {
                "reason": "resource: staging database is down (OPS-12)",
                "task_id": "verify-1-1",
                "title": "Check",
              },
            ],
            "completed_tasks": 1,
            "file": "specs/active/api-2026-02-01-001.json",
            "folder": "active",
            "in_progress": [
              {
                "age_seconds": 9000,
                "agent": "bob",
                "claimed_in": "spec",
                "lease_expired": false,
                "lease_expires_at": "2026-03-01T12:30:00.000Z",
                "since": "2026-03-01T09:30:00.000Z",
                "task_id": "task-1-2",
                "title": "Second",
              },
            ],
            "percentage": 33,
            "ready": 0,
            "spec_id": "api-2026-02-01-001",
            "title": "Public API",
            "total_tasks": 3,
          },
          {
            "blocked": [],
            "completed_tasks": 0,
            "file": "specs/active/web-2026-02-02-001.json",
            "folder": "active",
            "in_progress": [
              {
                "age_seconds": 172800,
                "agent": "cy",
                "claimed_in": "spec",
                "lease_expired": true,
                "lease_expires_at": "2026-02-28T12:00:00.000Z",
                "since": "2026-02-27T12:00:00.000Z",
                "task_id": "task-1-1",
                "title": "First",
              },
              {
                "age_seconds": 90,
                "agent": null,
                "claimed_in": null,
                "lease_expired": false,
                "lease_expires_at": null,
                "since": "2026-03-01T11:58:30.000Z",
                "task_id": "task-1-2",
                "title": "Second",
              },
            ],
            "percentage": 0,
            "ready": 1,
            "spec_id": "web-2026-02-02-001",
            "title": "Web client",
            "total_tasks": 3,
          },
          {
            "blocked": [],
            "completed_tasks": 0,
            "file": "specs/pending/docs-2026-03-01-001.json",
            "folder": "pending",
            "in_progress": [],
            "percentage": 0,
            "ready": null,
            "spec_id": "docs-2026-03-01-001",
            "title": "Docs",
            "total_tasks": 3,
          },
          {
            "blocked": [],
            "completed_tasks": 3,
            "file": "specs/completed/init-2026-01-01-001.json",
            "folder": "completed",
            "in_progress": [],
            "percentage": 100,
            "ready": null,
            "spec_id": "init-2026-01-01-001",
            "title": "Bootstrap",
            "total_tasks": 3,
          },
        ],
        "success": true,
        "totals": {
          "blocked": 1,
          "completed_tasks": 4,
          "in_progress": 3,
          "ready": 1,
          "specs": 4,
          "total_tasks": 12,
        },
        "unreadable": [],
      }
    `);
  });

  it("names specs as every command does: one that does not exist is exit 2, not an empty board", async () => {
    const dir = fixture();
    const opts = { cwd: dir, env: { ...env, GIT_CEILING_DIRECTORIES: dir } };
    const missing = await runCli(["status", "nope-2026-01-01-001", "--specs-dir", "specs", "--json"], opts);
    expect(missing.code).toBe(2);
    expect(oneJson(missing.stdout).error.code).toBe("spec-not-found");
    const one = await runCli(["status", "init-2026-01-01-001", "--specs-dir", "specs", "--json"], opts);
    expect(one.code, one.stderr).toBe(0);
    expect(oneJson(one.stdout).specs.map((s: { spec_id: string }) => s.spec_id)).toEqual(["init-2026-01-01-001"]);
  });

  it("colours only on a terminal", () => {
    const dir = fixture();
    const board = statusBoard({ cwd: dir, specsDir: "specs", env: { SDD_NOW: NOW, GIT_CEILING_DIRECTORIES: dir } });
    const tty = renderBoard(board, makeStyle({ isTTY: true }, {}, false)).join("\n");
    expect(tty).toContain("\u001b[");
    expect(renderBoard(board, makeStyle({ isTTY: false }, {}, false)).join("\n")).not.toContain("\u001b[");
    expect(renderBoard(board, makeStyle({ isTTY: true }, { NO_COLOR: "1" }, false)).join("\n")).not.toContain("\u001b[");
  });
});
