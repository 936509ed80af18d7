/**
 * `sdd mcp`: a Model Context Protocol server over stdio. Tools are the CLI's commands (see
 * tools.ts); resources are the specs (`sdd://spec/<id>`) and the rendered work-item log
 * (`sdd://log`). The SDK is loaded only here, so no other command pays for it.
 *
 * The SDK's low-level Server is used rather than McpServer: McpServer wants zod schemas and
 * reports a bad argument in its own words, while here the schemas are JSON Schema derived
 * from the command definitions and every error carries the CLI's code and exit code.
 */
import { readFileSync } from "node:fs";
import type { CallToolResult, ReadResourceResult, Resource } from "@modelcontextprotocol/sdk/types.js";
import type { CliIo, CliRunner } from "../commands/_shared.js";
import { assertSafeSpecId, findSpecsDir, listSpecFiles, resolveSpec, type SpecsLocation } from "../core/store/discovery.js";
import { DataError, ExitCode, FindingsError, InternalError, NotFoundError, SddError, UsageError } from "../core/errors.js";
import { readItems, renderItems, worklogPlaces } from "../core/worklog/store.js";
import { envelope, errorPayload, type Envelope } from "../ui/envelope.js";
import { VERSION } from "../version.js";
import { deriveTools, toArgv, type Tool } from "./tools.js";

export interface McpServerOptions {
  /** The CLI whose commands the tools run. */
  runner: CliRunner;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** `--specs-dir` and `--path` given to `sdd mcp`, passed on to every call. */
  specsDir?: string | undefined;
  path?: string | undefined;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/** Where the MCP spec puts "resource not found" (JSON-RPC's server-defined range). */
const RESOURCE_NOT_FOUND = -32002;

export const SPEC_URI = "sdd://spec/";
export const LOG_URI = "sdd://log";

/** Run one tool: its command, in this process, with `--json`; the envelope is the result. */
export async function callTool(tool: Tool, args: unknown, o: McpServerOptions): Promise<CallToolResult> {
  let report: Envelope;
  const warnings: string[] = [];
  try {
    const argv = toArgv(tool, args, serverOptions(o));
    let out = "";
    const io: CliIo = {
      cwd: o.cwd,
      env: o.env,
      stdout: (s) => (out += s),
      stderr: (s) => warnings.push(s),
      stdoutIsTTY: false,
      stdinIsTTY: false,
    };
    await o.runner.run(argv, io);
    report = JSON.parse(out) as Envelope;
  } catch (caught) {
    const err = caught instanceof SddError ? caught : new InternalError(caught instanceof Error ? caught.message : String(caught));
    report = envelope(tool.command.join(" "), err.exitCode, errorPayload(err));
  }
  const error = report.error as { code: string; message: string; fix?: string } | undefined;
  // Exit 1 is findings (a check that found something, nothing ready): an answer, not a
  // failure. Any other non-zero exit (usage, not found, conflict, unreadable) is a tool
  // error, whether the command threw or reported it (a lost claim).
  const failed = error !== undefined || (report.exit_code !== ExitCode.ok && report.exit_code !== ExitCode.findings);
  const content: CallToolResult["content"] = [];
  if (error !== undefined) {
    content.push({
      type: "text",
      text: `error ${error.code} (exit ${report.exit_code}): ${error.message}${error.fix === undefined ? "" : `\nfix: ${error.fix}`}`,
    });
  }
  if (failed && error === undefined) {
    const why = [report.outcome, report.reason].filter((x) => typeof x === "string").join(": ");
    content.push({ type: "text", text: `${report.command} failed (exit ${report.exit_code})${why === "" ? "" : `: ${why}`}` });
  }
  content.push({ type: "text", text: JSON.stringify(report) });
  const stderr = warnings.join("").trim();
  if (stderr !== "") content.push({ type: "text", text: stderr });
  return { content, structuredContent: report, ...(failed ? { isError: true } : {}) };
}

function serverOptions(o: McpServerOptions): string[] {
  return [...(o.specsDir === undefined ? [] : [`--specs-dir=${o.specsDir}`]), ...(o.path === undefined ? [] : [`--path=${o.path}`])];
}

function locate(o: McpServerOptions): SpecsLocation {
  return findSpecsDir({ cwd: o.cwd, specsDir: o.specsDir, path: o.path, env: o.env });
}

export function listResources(o: McpServerOptions): Resource[] {
  const loc = locate(o);
  const specs: Resource[] = listSpecFiles(loc.specsDir).map((r) => ({
    uri: SPEC_URI + encodeURIComponent(r.id),
    name: r.id,
    description: `spec ${r.id}${r.folder === undefined ? "" : ` (${r.folder})`}`,
    mimeType: "application/json",
  }));
  return [
    ...specs,
    { uri: LOG_URI, name: "work-item log", description: "the markdown log, rendered from the work items", mimeType: "text/markdown" },
  ];
}

export function readResource(uri: string, o: McpServerOptions): ReadResourceResult {
  if (uri === LOG_URI) {
    const loc = locate(o);
    const places = worklogPlaces(loc);
    const { items, unreadable } = readItems(places, o.cwd);
    const bad = unreadable[0];
    if (bad !== undefined) throw new DataError(bad.error.code, `${bad.file}: ${bad.error.message}`, { file: bad.file });
    const invalid = items.find((i) => !i.valid);
    if (invalid !== undefined)
      throw new FindingsError("work-item-invalid", `${invalid.shown}: not a valid work item; the log cannot be rendered`, {
        file: invalid.shown,
        fix: "sdd log lint",
      });
    const text = renderItems(
      loc,
      places,
      items.map((i) => i.loaded.value as never),
      o.cwd,
    );
    return { contents: [{ uri, mimeType: "text/markdown", text }] };
  }
  if (uri.startsWith(SPEC_URI)) {
    const loc = locate(o);
    const raw = uri.slice(SPEC_URI.length);
    let id = raw;
    try {
      id = decodeURIComponent(raw);
    } catch {
      // Not valid percent-encoding: the raw text, which the id check refuses.
    }
    // An id only, never a path: a resource URI names nothing outside the specs directory.
    if (id.endsWith(".json"))
      throw new UsageError(`${uri}: name the spec by its id, without .json`, { code: "invalid-spec-id", fix: "resources/list" });
    assertSafeSpecId(id);
    const ref = resolveSpec(id, loc.specsDir, o.cwd);
    return { contents: [{ uri, mimeType: "application/json", text: readFileSync(ref.file, "utf8") }] };
  }
  throw new NotFoundError("resource-not-found", `${uri}: no such resource; sdd serves ${SPEC_URI}<spec id> and ${LOG_URI}`, {
    fix: "resources/list",
  });
}

/** Serve until stdin closes. */
export async function serveMcp(o: McpServerOptions): Promise<void> {
  const [{ Server }, { StdioServerTransport }, types, { AGENT_INSTRUCTIONS }] = await Promise.all([
    import("@modelcontextprotocol/sdk/server/index.js"),
    import("@modelcontextprotocol/sdk/server/stdio.js"),
    import("@modelcontextprotocol/sdk/types.js"),
    import("../core/init/agents.js"),
  ]);
  const tools = deriveTools(await o.runner.program());
  const byName = new Map(tools.map((t) => [t.name, t]));
  const server = new Server(
    { name: "sdd", version: VERSION },
    { capabilities: { tools: {}, resources: {} }, instructions: AGENT_INSTRUCTIONS },
  );

  server.setRequestHandler(types.ListToolsRequestSchema, () => ({
    tools: tools.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
      annotations: { readOnlyHint: t.readOnly, destructiveHint: false, openWorldHint: false },
    })),
  }));
  server.setRequestHandler(types.CallToolRequestSchema, async (req) => {
    const tool = byName.get(req.params.name);
    if (tool === undefined) {
      const report = envelope(req.params.name, 2, {
        error: { code: "unknown-tool", message: `no tool ${req.params.name}; tools/list gives them`, fix: "tools/list" },
      });
      return {
        isError: true,
        content: [{ type: "text" as const, text: `error unknown-tool (exit 2): no tool ${req.params.name}` }],
        structuredContent: report,
      };
    }
    return callTool(tool, req.params.arguments, o);
  });

  // A resource that cannot be read is a JSON-RPC error; its data carries the CLI's code and exit code.
  const asMcpError = (caught: unknown): Error => {
    const err = caught instanceof SddError ? caught : new InternalError(caught instanceof Error ? caught.message : String(caught));
    const rpcCode = err.code.endsWith("not-found")
      ? RESOURCE_NOT_FOUND
      : err.exitCode === ExitCode.usage
        ? types.ErrorCode.InvalidParams
        : types.ErrorCode.InternalError;
    return new types.McpError(rpcCode, err.message, { ...(errorPayload(err).error as object), exit_code: err.exitCode });
  };
  server.setRequestHandler(types.ListResourcesRequestSchema, () => {
    try {
      return { resources: listResources(o) };
    } catch (caught) {
      throw asMcpError(caught);
    }
  });
  server.setRequestHandler(types.ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [
      { uriTemplate: `${SPEC_URI}{spec_id}`, name: "spec", description: "a spec's JSON file", mimeType: "application/json" },
    ],
  }));
  server.setRequestHandler(types.ReadResourceRequestSchema, (req) => {
    try {
      return readResource(req.params.uri, o);
    } catch (caught) {
      throw asMcpError(caught);
    }
  });

  const stdin = o.stdin ?? process.stdin;
  const stdout = o.stdout ?? process.stdout;
  const transport = new StdioServerTransport(stdin as never, stdout as never);
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
  });
  // A client that closed its end of the pipe has gone away: an answer written after that
  // fails with EPIPE, which ends the session as the end of its input does, not the process.
  stdout.on("error", (caught: NodeJS.ErrnoException) => {
    if (caught.code !== "EPIPE") throw caught;
    void server.close();
  });
  await server.connect(transport);
  // The transport does not notice its input ending: the client went away, so stop.
  stdin.once("end", () => void server.close());
  await closed;
}
