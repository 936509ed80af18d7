/**
 * `sdd init --agents`: the project files coding agents read (AGENTS.md, and CLAUDE.md when
 * the project has one) get a section telling them how to work with sdd. The section sits
 * between markers, so a later run replaces only it and never touches the user's own text.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../store/atomic.js";
import { DataError } from "../errors.js";

/** The workflow, as the CLI runs it (AGENTS.md). */
export const AGENTS_SECTION = `## Working with sdd

This project plans its work as sdd specs (JSON files) and a work-item log rendered from JSON
work items. Agents work through the \`sdd\` commands (or the same tools of \`sdd mcp\`), so
that every change is locked, validated and recorded. Say who you are once:
\`export SDD_AGENT=<your name>\` (or \`--agent NAME\` on each command).

1. Find work: \`sdd ready --json\` lists the tasks you may take, in the order \`claim\`
   takes them.
2. Claim before you start: \`sdd claim\` (the first ready task) or \`sdd claim SPEC TASK\`.
   Exit 1: nothing is ready. Exit 3: another agent holds it or won the race; claim again.
   A claim lasts a lease (default 30m): \`sdd renew SPEC TASK\` while you work,
   \`sdd release SPEC TASK\` if you give up.
3. Journal what you decide or change as you go:
   \`sdd add-journal SPEC --task-id TASK --title "..." --content "..."\`.
4. Stuck? \`sdd mark-blocked SPEC TASK --reason "..."\` (\`sdd unblock-task\` when it clears).
5. Finish with \`sdd complete-task SPEC TASK --note "..."\`: status, journal entry, roll-ups
   and the end of your claim in one transaction.
6. Before you push: \`sdd ci\` must pass. \`sdd status\` shows who holds what.

Never edit a spec's JSON by hand: the commands take the spec's lock, refuse a result that
would be invalid, and keep a backup and a history. Add \`--json\` to get one JSON document;
exit codes: 0 ok, 1 findings or nothing to do, 2 usage or not found, 3 conflict, 4
unreadable file.
`;

/** The same workflow for an MCP client, in the server's tool names (the initialize result). */
export const AGENT_INSTRUCTIONS = `sdd tracks this project's work as specs (JSON) and a work-item log. Work through these tools, never by editing spec files:
1. find work: ready (task_info for details; the spec itself is the resource sdd://spec/<id>);
2. claim before you start: claim, with no arguments for the first ready task or with spec and task (agent: yours, unless the server was started with --agent). exit_code 1 means nothing is ready; a tool error with exit_code 3 means another agent holds it or won the race: claim again. renew while you work, release if you give up;
3. journal decisions and changes: add_journal with task_id;
4. blocked: mark_blocked (unblock_task when it clears);
5. finish: complete_task (status, journal entry, roll-ups and the end of your claim in one transaction);
6. check: validate and check_journaling; status is the board.
Every result is the JSON document of the CLI's --json; a failed call is a tool error whose structured content carries exit_code (2 usage or not found, 3 conflict, 4 unreadable file) and, where the command failed outright, error.code.`;

const CLAUDE_POINTER = `How to work with this project's specs and work-item log: @AGENTS.md (the "Working with sdd"
section). Never edit a spec's JSON by hand; use the \`sdd\` commands or the \`sdd mcp\` tools.
`;

export const MARKER_START = "<!-- sdd:agents:start (written by sdd init --agents; edit outside the markers) -->";
export const MARKER_END = "<!-- sdd:agents:end -->";
const START = /^<!-- sdd:agents:start\b.*-->\s*$/;
const END = /^<!-- sdd:agents:end\b.*-->\s*$/;

export type AgentFileAction = "created" | "added" | "updated" | "unchanged";

export interface AgentFileResult {
  file: string;
  action: AgentFileAction;
}

/**
 * `text` with the marked section set to `body`: replaced where the markers are, appended
 * (after a blank line) where they are not. Throws on markers that do not pair up, naming
 * the file and line, rather than guess which text is the user's.
 */
export function withSection(text: string, body: string, file: string): { text: string; action: "added" | "updated" | "unchanged" } {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const starts = lines.flatMap((l, i) => (START.test(l) ? [i] : []));
  const ends = lines.flatMap((l, i) => (END.test(l) ? [i] : []));
  const block = [MARKER_START, ...body.replace(/\n$/, "").split("\n"), MARKER_END];
  if (starts.length === 0 && ends.length === 0) {
    const trimmed = text.replace(/(\r?\n)+$/, "");
    const head = trimmed === "" ? "" : trimmed + eol + eol;
    return { text: head + block.join(eol) + eol, action: "added" };
  }
  const start = starts[0];
  const end = ends[0];
  if (starts.length !== 1 || ends.length !== 1 || start === undefined || end === undefined || end < start) {
    const at = (start ?? end ?? 0) + 1;
    throw new DataError(
      "agents-markers",
      `${file}:${at}:1: the sdd section's markers do not pair up (one "${MARKER_START.slice(0, 21)} …" line, then one "${MARKER_END}" line); nothing was written`,
      { file, line: at, column: 1, fix: `fix or remove the marker lines in ${file}, then run sdd init --agents again` },
    );
  }
  const next = [...lines.slice(0, start), ...block, ...lines.slice(end + 1)].join(eol);
  return next === text ? { text, action: "unchanged" } : { text: next, action: "updated" };
}

function writeSection(root: string, name: string, body: string, create: boolean): AgentFileResult | undefined {
  const file = join(root, name);
  if (!existsSync(file)) {
    if (!create) return undefined;
    writeFileAtomic(file, withSection("", body, name).text);
    return { file: name, action: "created" };
  }
  const current = readFileSync(file, "utf8");
  const r = withSection(current, body, name);
  if (r.action !== "unchanged") writeFileAtomic(file, r.text);
  return { file: name, action: r.action };
}

/** Throws (writing nothing) where either file's markers do not pair up. */
export function checkAgentFiles(root: string): void {
  for (const name of ["AGENTS.md", "CLAUDE.md"]) {
    const file = join(root, name);
    if (existsSync(file)) withSection(readFileSync(file, "utf8"), "", name);
  }
}

/**
 * Write or update the AGENTS.md section, and a pointer to it in CLAUDE.md when the project
 * has that file. Both files are checked before either is written.
 */
export function writeAgentFiles(root: string): AgentFileResult[] {
  checkAgentFiles(root);
  const out: AgentFileResult[] = [];
  const agents = writeSection(root, "AGENTS.md", AGENTS_SECTION, true);
  if (agents !== undefined) out.push(agents);
  const claude = writeSection(root, "CLAUDE.md", CLAUDE_POINTER, false);
  if (claude !== undefined) out.push(claude);
  return out;
}
