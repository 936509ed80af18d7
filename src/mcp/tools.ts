/**
 * The MCP server's tools. Each tool is a CLI command: its input schema is derived from the
 * command's commander definition (arguments and options), and a call runs that command in
 * this process with `--json`, so a tool does exactly what the command does (the same core
 * functions, the same locked transaction) and returns the same JSON document.
 */
import type { Argument, Command, Option } from "commander";
import { UsageError } from "../core/errors.js";

export interface ToolSpec {
  /** The command the tool runs, as its words (`["log", "add"]`). */
  command: readonly string[];
  /**
   * Arguments the command asks for on a terminal when they are missing. A tool call has no
   * one to ask, so here they are required.
   */
  required?: readonly string[];
  /** The tool only reads. */
  readOnly?: true;
}

/** The tools, in the order tools/list gives them. A command added here is a tool. */
export const TOOL_SPECS: readonly ToolSpec[] = [
  { command: ["list-specs"], readOnly: true },
  { command: ["progress"], readOnly: true },
  { command: ["task-info"], readOnly: true },
  { command: ["next-task"], readOnly: true },
  { command: ["ready"], readOnly: true },
  { command: ["claim"] },
  { command: ["renew"] },
  { command: ["release"] },
  { command: ["status"], readOnly: true },
  { command: ["update-status"], required: ["spec", "task", "status"] },
  { command: ["complete-task"] },
  { command: ["add-journal"] },
  { command: ["mark-blocked"] },
  { command: ["unblock-task"] },
  { command: ["validate"] },
  { command: ["check-journaling"] },
  { command: ["log", "add"], required: ["title", "owner", "spec", "summary"] },
  { command: ["log", "done"] },
];

/**
 * Options every command shares that make no sense per call: the output format is always
 * JSON, nothing is ever prompted for, and where the specs are is the server's setting.
 */
const SERVER_OPTIONS = new Set(["json", "format", "specs-dir", "path", "color", "input", "compact", "quiet", "verbose", "debug"]);

export interface JsonSchema {
  type: string;
  description?: string;
  enum?: readonly string[];
  items?: JsonSchema;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
}

/** How one tool property maps back to the command line. */
type Param =
  | { kind: "argument"; name: string; variadic: boolean; choices: readonly string[] | undefined }
  | {
      kind: "option";
      name: string;
      flag: string;
      value: "boolean" | "string" | "strings";
      negate: boolean;
      choices: readonly string[] | undefined;
    };

export interface Tool {
  name: string;
  command: readonly string[];
  description: string;
  inputSchema: JsonSchema & { type: "object"; properties: Record<string, JsonSchema>; required: string[] };
  readOnly: boolean;
  params: Param[];
}

/** `update-status` -> `update_status`; `["log", "add"]` -> `log_add`. */
export function toolName(command: readonly string[]): string {
  return command.join("_").replace(/-/g, "_");
}

const propName = (s: string): string => s.replace(/-/g, "_");

function findCommand(program: Command, words: readonly string[]): Command {
  let cmd = program;
  for (const w of words) {
    const next = cmd.commands.find((c) => c.name() === w);
    if (next === undefined) throw new Error(`no command "${words.join(" ")}" for an MCP tool`);
    cmd = next;
  }
  return cmd;
}

function argumentSchema(a: Argument): JsonSchema {
  const item: JsonSchema = { type: "string" };
  if (a.argChoices !== undefined) item.enum = a.argChoices;
  const s: JsonSchema = a.variadic ? { type: "array", items: item } : item;
  if (a.description !== "") s.description = a.description;
  return s;
}

function optionSchema(o: Option, value: "boolean" | "string" | "strings"): JsonSchema {
  const item: JsonSchema = { type: "string" };
  if (o.argChoices !== undefined) item.enum = o.argChoices;
  const s: JsonSchema = value === "boolean" ? { type: "boolean" } : value === "strings" ? { type: "array", items: item } : item;
  if (o.description !== "") s.description = o.negate ? `false: ${o.description}` : o.description;
  if (value === "string" && typeof o.defaultValue === "string") s.default = o.defaultValue;
  return s;
}

/** One tool, from its command's definition. */
export function deriveTool(program: Command, spec: ToolSpec): Tool {
  const cmd = findCommand(program, spec.command);
  const name = toolName(spec.command);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const params: Param[] = [];
  const add = (prop: string, schema: JsonSchema, param: Param, isRequired: boolean): void => {
    if (prop in properties) throw new Error(`MCP tool ${name}: two parameters named ${prop}`);
    properties[prop] = schema;
    params.push(param);
    const asked = spec.required?.includes(prop) === true;
    // No one is asked for anything here: what the CLI would prompt for is simply required.
    if (asked && schema.description !== undefined)
      schema.description = schema.description.replace(/\s*\(asked for on a terminal[^)]*\)/, "");
    if (isRequired || asked) required.push(prop);
  };
  for (const a of cmd.registeredArguments) {
    const prop = propName(a.name());
    add(prop, argumentSchema(a), { kind: "argument", name: prop, variadic: a.variadic, choices: a.argChoices }, a.required);
  }
  for (const o of cmd.options) {
    const long = o.long?.replace(/^--(no-)?/, "");
    if (long === undefined || o.hidden || SERVER_OPTIONS.has(long)) continue;
    // A flag (or its --no- form) takes no value; commander's isBoolean() leaves out --no- flags.
    const value = !o.required && !o.optional ? "boolean" : o.variadic || Array.isArray(o.defaultValue) ? "strings" : "string";
    const prop = propName(long);
    add(
      prop,
      optionSchema(o, value),
      { kind: "option", name: prop, flag: o.long as string, value, negate: o.negate, choices: o.argChoices },
      o.mandatory,
    );
  }
  for (const r of spec.required ?? []) if (!(r in properties)) throw new Error(`MCP tool ${name}: no parameter ${r} to require`);
  return {
    name,
    command: spec.command,
    description: `${cmd.description()} (sdd ${spec.command.join(" ")})`,
    inputSchema: { type: "object", properties, required, additionalProperties: false },
    readOnly: spec.readOnly === true,
    params,
  };
}

/** The tools, from a program with their commands registered. */
export function deriveTools(program: Command, specs: readonly ToolSpec[] = TOOL_SPECS): Tool[] {
  return specs.map((s) => deriveTool(program, s));
}

function describeType(s: JsonSchema): string {
  return s.type === "array" ? "an array of strings" : `a ${s.type}`;
}

/**
 * Check a call's arguments against the tool's schema (the error names the argument, the
 * way the CLI names an option), then build the command line that runs it.
 */
export function toArgv(tool: Tool, args: unknown, serverOptions: readonly string[] = []): string[] {
  const bad = (message: string): UsageError =>
    new UsageError(`${tool.name}: ${message}`, { fix: `see the input schema of ${tool.name} (tools/list)` });
  if (args !== undefined && args !== null && (typeof args !== "object" || Array.isArray(args))) throw bad("arguments must be an object");
  const given = (args ?? {}) as Record<string, unknown>;
  const props = tool.inputSchema.properties;
  for (const key of Object.keys(given)) {
    if (!(key in props)) {
      const known = Object.keys(props);
      throw bad(`unknown argument "${key}"; ${known.length === 0 ? "it takes none" : `it takes: ${known.join(", ")}`}`);
    }
  }
  for (const r of tool.inputSchema.required) {
    if (given[r] === undefined || given[r] === null) throw bad(`missing required argument "${r}"`);
  }
  const checkChoice = (name: string, v: string, choices: readonly string[] | undefined): void => {
    if (choices !== undefined && !choices.includes(v))
      throw bad(`argument "${name}" must be one of ${choices.join(", ")} (got ${JSON.stringify(v)})`);
  };
  const positionals: string[] = [];
  const options: string[] = [];
  let skipped: string | undefined;
  for (const p of tool.params) {
    const v = given[p.name];
    if (v === undefined || v === null) {
      if (p.kind === "argument") skipped ??= p.name;
      continue;
    }
    const schema = props[p.name] as JsonSchema;
    const isStrings = Array.isArray(v) && v.every((x) => typeof x === "string");
    const ok = schema.type === "array" ? isStrings : typeof v === schema.type;
    if (!ok) throw bad(`argument "${p.name}" must be ${describeType(schema)} (got ${JSON.stringify(v)})`);
    if (p.kind === "argument") {
      if (skipped !== undefined) throw bad(`argument "${p.name}" needs "${skipped}" too`);
      const values = p.variadic ? (v as string[]) : [v as string];
      for (const x of values) checkChoice(p.name, x, p.choices);
      positionals.push(...values);
    } else if (p.value === "boolean") {
      // A negatable option is on by default: only false says anything.
      if (p.negate ? v === false : v === true) options.push(p.flag);
    } else {
      const values = p.value === "strings" ? (v as string[]) : [v as string];
      for (const x of values) {
        checkChoice(p.name, x, p.choices);
        // --flag=value, so a value starting with "-" is never read as an option.
        options.push(`${p.flag}=${x}`);
      }
    }
  }
  // After "--", a value starting with "-" is an argument too.
  return [...tool.command, ...options, "--json", "--no-input", ...serverOptions, ...(positionals.length > 0 ? ["--", ...positionals] : [])];
}
