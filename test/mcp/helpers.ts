/** Talking to a real `sdd mcp` process over stdio, with the SDK's own client. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { readFileSync } from "node:fs";
import { afterEach } from "vitest";
import { BIN } from "../helpers.js";

export interface Served {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  /** The call's structured content (the CLI's --json document) and whether it is a tool error. */
  call: (name: string, args?: Record<string, unknown>) => Promise<{ doc: Record<string, any>; isError: boolean; text: string }>;
}

const open: Client[] = [];
afterEach(async () => {
  while (open.length > 0) await (open.pop() as Client).close();
});

export async function serve(cwd: string, args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "mcp", ...args],
    cwd,
    env: { ...(process.env as Record<string, string>), NO_COLOR: "1", CI: "true", ...env },
    stderr: "pipe",
  });
  let err = "";
  transport.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const client = new Client({ name: "sdd-test", version: "1.0.0" });
  await client.connect(transport);
  open.push(client);
  const call: Served["call"] = async (name, a = {}) => {
    const r = await client.callTool({ name, arguments: a });
    const content = r.content as { type: string; text: string }[];
    return { doc: r.structuredContent as Record<string, any>, isError: r.isError === true, text: content.map((c) => c.text).join("\n") };
  };
  return { client, transport, stderr: () => err, call };
}

/** The resident set size of a process, in kB (Linux /proc); undefined where there is no /proc. */
export function rssKb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] === undefined ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}
