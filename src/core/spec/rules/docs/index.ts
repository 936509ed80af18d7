/**
 * The longer text of each code in docs/rules.md: what it means, why it matters, an example
 * and the fix (markdown). Typed by the registry's codes, so a code without a text, or a
 * text for no code, is a type error.
 */
import type { SpecFindingCode } from "../registry.js";
import { FILE_DOCS } from "./files.js";
import { TREE_DOCS } from "./tree.js";
import { WORK_DOCS } from "./work.js";

export interface RuleDoc {
  /** What the finding means (after the severity). */
  readonly meaning: string;
  readonly why: string;
  /** A bad example: inline markdown, or a paragraph and a fenced block. */
  readonly bad: string;
  readonly fix: string;
}

export const RULE_DOCS: Readonly<Record<SpecFindingCode, RuleDoc>> = { ...FILE_DOCS, ...TREE_DOCS, ...WORK_DOCS };
