/** Value helpers shared by the merge rules: equality, canonical text, members, timestamps. */
import { isObject, type JsonObject } from "../spec/model.js";

/** A member missing from an object or an array (deleted, or never there). */
export const ABSENT: unique symbol = Symbol("absent");
/** A value at some place in one version: any JSON value, or ABSENT. */
export type Slot = unknown;

export type Path = readonly (string | number)[];

export function deepEqual(a: Slot, b: Slot): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) if (!Object.hasOwn(bo, k) || !deepEqual(ao[k], bo[k])) return false;
  return true;
}

/** JSON with sorted keys: equal values give equal text whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return "[" + v.map(canonicalJson).join(",") + "]";
  if (isObject(v)) {
    return (
      "{" +
      Object.keys(v)
        .sort()
        .map((k) => JSON.stringify(k) + ":" + canonicalJson(v[k]))
        .join(",") +
      "}"
    );
  }
  return JSON.stringify(v) ?? "null";
}

/** Set a member, also one named "__proto__", as an own property. */
export function setOwn(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function member(obj: Slot, key: string): Slot {
  return isObject(obj) && Object.hasOwn(obj, key) ? obj[key] : ABSENT;
}

export function isStringArray(v: Slot): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

export function isKeyedArray(v: Slot): v is JsonObject[] {
  return Array.isArray(v) && v.every((x) => isObject(x) && typeof x.key === "string");
}

/** Milliseconds of an ISO timestamp; anything else sorts last. */
export function timeOf(v: unknown): number {
  const t = typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** The later of two timestamps (ISO strings); a side without one gives way to the other. */
export function laterTimestamp(a: unknown, b: unknown): string | undefined {
  if (typeof a !== "string") return typeof b === "string" ? b : undefined;
  if (typeof b !== "string") return a;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a >= b ? a : b;
  return tb > ta ? b : a;
}
