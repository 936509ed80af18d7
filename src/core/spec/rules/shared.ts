/** What the rule families share: how a finding is reported, node pointers, and cheap list reads. */
import { escapePointerToken } from "../../pointer.js";
import { isObject, NODE_TYPES, STATUSES, type JsonObject } from "../model.js";
import type { RuleCode } from "./registry.js";

/** Reports one finding; its severity is the registry's. */
export type Add = (code: RuleCode, pointer: string, message: string) => void;

/** Lists longer than this are deduplicated with a Set; shorter ones by scanning (cheaper). */
export const SCAN_LIMIT = 32;
/** Shared empty list (never modified). */
export const NONE: readonly string[] = [];

export const nodePtr = (id: string): string => `/hierarchy/${escapePointerToken(id)}`;

/** Whether the strings of `v` (an array, else none) number zero: childrenOf(node).length === 0. */
export function noStrings(v: unknown): boolean {
  if (!Array.isArray(v)) return true;
  for (let i = 0; i < v.length; i++) if (typeof v[i] === "string") return false;
  return true;
}

/** Whether `v` (an array, else empty) holds the string `s`: stringArray(v).includes(s). */
export function listHas(v: unknown, s: string): boolean {
  return Array.isArray(v) && v.includes(s);
}

/**
 * `[...new Set(stringArray(list))].filter((x) => Object.hasOwn(h, x) && x !== self)`: the
 * distinct strings of a list naming existing nodes (other than `self`), first occurrence
 * first. Returns the list itself when nothing is dropped (callers only read it).
 */
export function distinctExisting(list: unknown, h: JsonObject, self?: string): readonly string[] {
  if (!Array.isArray(list) || list.length === 0) return NONE;
  const n = list.length;
  const set = n > SCAN_LIMIT ? new Set<unknown>() : undefined;
  let out: string[] | undefined;
  for (let i = 0; i < n; i++) {
    const x: unknown = list[i];
    let keep = typeof x === "string" && x !== self && Object.hasOwn(h, x);
    if (keep) {
      if (set !== undefined) {
        if (set.has(x)) keep = false;
        else set.add(x);
      } else if (list.indexOf(x) < i) keep = false;
    }
    if (keep) out?.push(x as string);
    else out ??= list.slice(0, i) as string[];
  }
  return out ?? (list as string[]);
}

/** A node whose tree and count fields have the types the schema requires. */
export function isWellFormedNode(node: unknown): node is JsonObject & { children: string[] } {
  if (!isObject(node)) return false;
  const children = node.children;
  if (!Array.isArray(children)) return false;
  for (let i = 0; i < children.length; i++) if (typeof children[i] !== "string") return false;
  return (NODE_TYPES as readonly unknown[]).includes(node.type) && (STATUSES as readonly unknown[]).includes(node.status);
}
