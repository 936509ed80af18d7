/**
 * `sdd check-journaling` over several specs, with a baseline of accepted debt so teams can
 * adopt the gate on old specs and still fail on new unjournaled work.
 *
 * Baseline file: `{"schema_version": 1, "accepted": [{"spec_id": …, "node_id": …, "completed_at": …}]}`.
 * An entry accepts the node only as completed at that time: reopened and completed again,
 * it must be journaled (an entry without `completed_at`, from an older baseline, accepts
 * the node whatever its completion time).
 * `--update-baseline` rewrites the entries of the specs it checked and keeps the others.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../store/atomic.js";
import { writesInside } from "../store/inside.js";
import type { SpecsLocation } from "../store/discovery.js";
import { DataError, type ExitCodeValue } from "../errors.js";
import { exitCodeFor, unreadableFinding, type Finding } from "../findings.js";
import { findUnjournaled, unjournaledFindings, type UnjournaledNode } from "../spec/journaling.js";
import { displayPath } from "../paths.js";
import { journaledTypes, openSpecs } from "../store/spec-set.js";
import { isObject, NODE_TYPES } from "../spec/model.js";
import { UsageError } from "../errors.js";

export const BASELINE_FILE = "journaling-baseline.json";

export interface CheckJournalingOptions {
  loc: SpecsLocation;
  specs: string[];
  cwd: string;
  baseline?: string | undefined;
  updateBaseline?: boolean;
  types?: string | undefined;
}

export interface CheckJournalingResult {
  findings: Finding[];
  unjournaled: (UnjournaledNode & { spec_id: string; file: string; baselined: boolean })[];
  summary: { specs: number; unjournaled: number; baselined: number; unreadable: number };
  baseline: string | undefined;
  baselineWritten: boolean;
  exitCode: ExitCodeValue;
}

/**
 * Accepted entries by `spec_id\0node_id`, each with the completion time accepted (null when
 * the node had none, undefined in a baseline written before completion times were kept).
 */
type Baseline = Map<string, string | null | undefined>;

/** Whether the baseline accepts this node as it is now: a node reopened and completed again is new work. */
function isAccepted(baseline: Baseline, key: string, completedAt: string | null): boolean {
  if (!baseline.has(key)) return false;
  const accepted = baseline.get(key);
  return accepted === undefined || accepted === completedAt;
}

function readBaseline(file: string): Baseline {
  const text = readFileSync(file, "utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DataError("baseline-invalid", `${file}: the journaling baseline is not valid JSON`, { file });
  }
  const list = isObject(value) && Array.isArray(value.accepted) ? value.accepted : undefined;
  if (list === undefined)
    throw new DataError("baseline-invalid", `${file}: expected {"schema_version": 1, "accepted": [{"spec_id", "node_id"}]}`, { file });
  return new Map(
    list
      .filter(isObject)
      .map((e) => [
        `${String(e.spec_id)}\u0000${String(e.node_id)}`,
        typeof e.completed_at === "string" ? e.completed_at : e.completed_at === null ? null : undefined,
      ]),
  );
}

export function runCheckJournaling(o: CheckJournalingOptions): CheckJournalingResult {
  const config = o.loc.config.config;
  let types = journaledTypes(config);
  if (o.types !== undefined) {
    const list = o.types
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t !== "");
    const bad = list.filter((t) => !(NODE_TYPES as readonly string[]).includes(t));
    if (bad.length > 0 || list.length === 0)
      throw new UsageError(`--types: unknown node type ${bad.join(", ") || "(none given)"}; use ${NODE_TYPES.join(", ")}`);
    types = new Set(list);
  }
  const configured = config.journalingBaseline === undefined ? undefined : resolve(o.loc.config.root, config.journalingBaseline);
  const fallback = join(o.loc.specsDir, BASELINE_FILE);
  const baselineFile =
    o.baseline !== undefined
      ? resolve(o.cwd, o.baseline)
      : (configured ?? (existsSync(fallback) || o.updateBaseline === true ? fallback : undefined));
  const accepted =
    baselineFile !== undefined && existsSync(baselineFile) && o.updateBaseline !== true
      ? readBaseline(baselineFile)
      : (new Map() as Baseline);

  if (o.updateBaseline === true && baselineFile !== undefined && !writesInside(baselineFile, o.loc.config.root)) {
    // Paths a user gives never let a write land outside the project.
    throw new UsageError(`--baseline ${baselineFile} is outside the project (${o.loc.config.root}); nothing was written`, {
      code: "outside-project",
    });
  }
  const { specs, unreadable } = openSpecs(o.loc, o.specs, o.cwd);
  const findings: Finding[] = [];
  const unjournaled: CheckJournalingResult["unjournaled"] = [];
  for (const s of specs) {
    const specId = s.ref.id;
    const nodes = findUnjournaled(s.loaded.value, types);
    const raw = unjournaledFindings(nodes);
    nodes.forEach((n, i) => {
      const baselined = isAccepted(accepted, `${specId}\u0000${n.node_id}`, n.completed_at);
      unjournaled.push({ ...n, spec_id: specId, file: s.shown, baselined });
      const f = raw[i];
      if (f === undefined || baselined || o.updateBaseline === true) return;
      const pos = s.loaded.source.locate(f.pointer);
      findings.push({ ...f, file: s.shown, line: pos.line, column: pos.column, spec_id: specId });
    });
  }
  for (const u of unreadable) {
    findings.push(unreadableFinding(u.error, u.shown));
  }
  let baselineWritten = false;
  if (o.updateBaseline === true && baselineFile !== undefined) {
    // Only the specs checked now are re-baselined: the accepted debt of specs not named (or
    // unreadable) is kept; a run over every spec drops entries of specs that are gone.
    const checked = new Set(specs.map((s) => s.ref.id));
    const unreadableIds = new Set(unreadable.map((u) => u.ref.id));
    const keep = (specId: string): boolean => !checked.has(specId) && (o.specs.length > 0 || unreadableIds.has(specId));
    let previous: Baseline = new Map();
    try {
      if (existsSync(baselineFile)) previous = readBaseline(baselineFile);
    } catch (err) {
      // An invalid baseline is what --update-baseline replaces.
      if (!(err instanceof DataError)) throw err;
    }
    const kept = [...previous].flatMap(([key, completed_at]) => {
      const [spec_id, node_id] = key.split("\u0000");
      if (spec_id === undefined || node_id === undefined || !keep(spec_id)) return [];
      return [completed_at === undefined ? { spec_id, node_id } : { spec_id, node_id, completed_at }];
    });
    const acceptedList = [...kept, ...unjournaled.map((u) => ({ spec_id: u.spec_id, node_id: u.node_id, completed_at: u.completed_at }))];
    writeFileAtomic(baselineFile, JSON.stringify({ schema_version: 1, accepted: acceptedList }, null, 2) + "\n");
    baselineWritten = true;
    for (const u of unjournaled) u.baselined = true;
  }
  const baselined = unjournaled.filter((u) => u.baselined).length;
  const exitCode = exitCodeFor({ unreadable: unreadable.length, unmet: findings.length > 0 });
  return {
    findings,
    unjournaled,
    summary: {
      specs: specs.length + unreadable.length,
      unjournaled: unjournaled.length - baselined,
      baselined,
      unreadable: unreadable.length,
    },
    baseline: baselineFile === undefined ? undefined : displayPath(baselineFile, o.cwd),
    baselineWritten,
    exitCode,
  };
}
