/**
 * The log rules on an item's links: its Spec and SDD Spec fields, and its checkbox against
 * the linked spec's state and the work-item document's Status.
 */
import { fieldValue, linkTarget } from "./model.js";
import { indexOfKey, NOT_APPLICABLE, SPEC_FOLDERS, type ItemContext, type ResolvedSpec } from "./lint-rules.js";

export function checkLinks(ctx: ItemContext): void {
  const { item, report, options } = ctx;
  const specAt = indexOfKey(item, "Spec");
  const sddAt = indexOfKey(item, "SDD Spec");
  const spec = fieldValue(item, "Spec");
  if (spec !== undefined) {
    if (!/^`[^`]+`$/.test(spec))
      report("log-link-format", { field: specAt, value: true }, `Spec ${JSON.stringify(spec)} should be one backticked path`);
    const target = linkTarget(spec);
    if (target !== undefined && options.exists !== undefined && !options.exists(target))
      report("log-spec-missing", { field: specAt, value: true }, `Spec ${target} does not exist`);
  }
  const sdd = fieldValue(item, "SDD Spec");
  const sddTarget = sdd === undefined ? undefined : linkTarget(sdd);
  if (sdd === undefined || sddTarget === undefined || NOT_APPLICABLE.test(sddTarget)) return;
  if (!/^`[^`]+`$/.test(sdd))
    report("log-link-format", { field: sddAt, value: true }, `SDD Spec ${JSON.stringify(sdd)} should be one backticked path or id`);
  const progressAt = indexOfKey(item, "Progress");
  if (progressAt >= 0)
    report(
      "log-derived-field",
      { field: progressAt },
      `Progress is derived from the linked SDD spec when the log is rendered; remove the typed value`,
    );
  if (options.resolveSpec === undefined) return;
  const resolved = options.resolveSpec(sddTarget);
  if (resolved === undefined) {
    report("log-sdd-spec-missing", { field: sddAt, value: true }, `SDD Spec ${sddTarget} does not resolve to a spec`);
    return;
  }
  const linkedFolder = sddTarget.split(/[\\/]/).find((part) => SPEC_FOLDERS.includes(part));
  if (linkedFolder !== undefined && linkedFolder !== resolved.folder)
    report(
      "log-sdd-spec-moved",
      { field: sddAt, value: true },
      `SDD Spec links ${linkedFolder}/ but the spec is now in ${resolved.folder}/; update the path`,
    );
}

const DOC_DONE = /^(?:done|completed?|closed|shipped|finished|merged)$/i;
const DOC_OPEN =
  /^(?:draft|active|open|pending|planned|blocked|todo|to[ _-]do|in[ _-]progress|wip|review|in[ _-]review|verification[ _-]pending)$/i;

/** One SDD spec an item is linked to, and which of the three link paths found it. */
interface Linked {
  spec: ResolvedSpec;
  target: string;
  via: "entry" | "document" | "claim";
  field: number;
}

/**
 * The SDD spec behind an item, by the three ways teams link them: the entry's own `SDD Spec`
 * field; else the `Spec` work-item document's own SDD spec line, and the specs whose
 * `metadata.work_item_spec` names that document. Two different specs found for one document
 * are reported (log-spec-ambiguous), not guessed between.
 */
function linkedSpec(ctx: ItemContext): Linked | undefined {
  const { item, report, options } = ctx;
  if (options.resolveSpec === undefined) return undefined;
  const sdd = fieldValue(item, "SDD Spec");
  if (sdd !== undefined) {
    const target = linkTarget(sdd);
    if (target === undefined || NOT_APPLICABLE.test(target)) return undefined;
    const spec = options.resolveSpec(target);
    return spec === undefined ? undefined : { spec, target, via: "entry", field: indexOfKey(item, "SDD Spec") };
  }
  const specAt = indexOfKey(item, "Spec");
  const doc = specAt < 0 ? undefined : linkTarget(fieldValue(item, "Spec") ?? "");
  if (doc === undefined) return undefined;
  const found: Linked[] = [];
  const docLine = options.workItemDoc?.(doc)?.sddSpec;
  if (docLine !== undefined && !NOT_APPLICABLE.test(docLine)) {
    const spec = options.resolveSpec(docLine);
    if (spec === undefined)
      report(
        "log-sdd-spec-missing",
        { field: specAt, value: true },
        `the work-item document ${doc} names SDD spec ${docLine}, which does not resolve to a spec`,
      );
    else found.push({ spec, target: docLine, via: "document", field: specAt });
  }
  for (const id of options.specsClaiming?.(doc) ?? []) {
    const spec = options.resolveSpec(id);
    if (spec !== undefined) found.push({ spec, target: id, via: "claim", field: specAt });
  }
  const ids = [...new Set(found.map((f) => f.spec.id ?? f.target))];
  if (ids.length > 1) {
    report(
      "log-spec-ambiguous",
      { field: specAt, value: true },
      `the work-item document ${doc} is linked to ${ids.length} SDD specs (${ids.join(", ")}); add an SDD Spec field to the entry naming the one that backs it`,
    );
    return undefined;
  }
  return found[0];
}

function linkPhrase(linked: Linked, name: string): string {
  if (linked.via === "entry") return `its SDD spec ${name}`;
  if (linked.via === "document") return `SDD spec ${name} (named by its work-item document)`;
  return `SDD spec ${name} (whose work_item_spec is its work-item document)`;
}

/** The checkbox against the linked spec's state, and against the work-item document's Status. */
export function checkLinkedState(ctx: ItemContext): void {
  const { item, report, options } = ctx;
  const linked = linkedSpec(ctx);
  let reported = false;
  if (linked !== undefined) {
    const { spec, target, field } = linked;
    const name = spec.id ?? target;
    const counts = spec.total === undefined ? "" : ` (${spec.completed ?? 0}/${spec.total} tasks, ${spec.folder || "?"}/)`;
    if (item.state === "done" && !spec.complete) {
      reported = true;
      if (spec.total === 0)
        report(
          "log-spec-no-work",
          { field },
          `"${item.title}" is done but ${linkPhrase(linked, name)} holds no work (no task, subtask or verify step): nothing in it shows the work was done`,
        );
      else
        report(
          "log-spec-incomplete",
          { field },
          `"${item.title}" is done but ${linkPhrase(linked, name)} is not complete${counts}: finish and complete the spec, or uncheck the entry`,
        );
    }
    if (item.state === "open" && spec.complete && spec.folder === "completed") {
      reported = true;
      report(
        "log-spec-complete-open",
        { field },
        `"${item.title}" is open but ${linkPhrase(linked, name)} is complete and in completed/: check the entry or reopen the spec`,
      );
    }
  }
  if (reported || options.workItemDoc === undefined) return;
  const specAt = indexOfKey(item, "Spec");
  const doc = specAt < 0 ? undefined : linkTarget(fieldValue(item, "Spec") ?? "");
  const status = doc === undefined ? undefined : options.workItemDoc(doc)?.status?.trim();
  if (status === undefined) return;
  const docState = DOC_DONE.test(status) ? "done" : DOC_OPEN.test(status) ? "open" : undefined;
  if (docState !== undefined && docState !== item.state)
    report(
      "log-doc-status",
      { field: specAt, value: true },
      `"${item.title}" is ${item.state === "done" ? "checked [x]" : "unchecked [ ]"} but its work-item document ${doc} says Status: ${status}`,
    );
}
