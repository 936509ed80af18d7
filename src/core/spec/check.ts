/** The schema pass and the semantic rules together: what a spec's own content is checked against. */
import type { RawFinding } from "../findings.js";
import { checkSpec, type RuleContext } from "./rules/index.js";
import { schemaFindings } from "../schema/validate.js";

export function specFindings(doc: unknown, ctx: RuleContext): RawFinding[] {
  return [...schemaFindings("spec", doc), ...checkSpec(doc, ctx)];
}
