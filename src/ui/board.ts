/** The text of `sdd status`: a progress bar per spec, then what is in progress and blocked. */
import type { StatusBoard } from "../core/claims/board.js";
import type { Style } from "./style.js";

const BAR = 20;

export function progressBar(percentage: number, style: Style): string {
  const full = Math.max(0, Math.min(BAR, Math.round((percentage / 100) * BAR)));
  const filled = "#".repeat(full);
  const paint = (x: string): string => (percentage >= 100 ? style.green(x) : full > 0 ? style.yellow(x) : style.dim(x));
  return `[${paint(filled)}${style.dim("-".repeat(BAR - full))}]`;
}

/** An age as the two largest units: 45s, 12m, 3h 5m, 2d 4h. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return "?";
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m`;
  return `${seconds}s`;
}

export function renderBoard(b: StatusBoard, style: Style): string[] {
  const out: string[] = [];
  const t = b.totals;
  out.push(
    style.bold(
      `${t.specs} spec${t.specs === 1 ? "" : "s"}: ${t.completed_tasks}/${t.total_tasks} tasks done, ${t.in_progress} in progress, ${t.blocked} blocked, ${t.ready} ready`,
    ),
  );
  for (const s of b.specs) {
    out.push("");
    out.push(`${style.bold(s.spec_id)} ${style.dim(`(${s.folder ?? "?"})`)} ${s.title}`);
    out.push(
      `  ${progressBar(s.percentage, style)} ${String(s.percentage).padStart(3)}%  ${s.completed_tasks}/${s.total_tasks}${s.ready === null ? "" : `  ready ${s.ready}`}`,
    );
    for (const p of s.in_progress) {
      const who = p.agent === null ? style.dim("unclaimed") : p.agent;
      const lease = p.lease_expires_at === null ? "" : p.lease_expired ? style.red(" lease expired") : "";
      const where = p.claimed_in === "worktree" ? style.dim(" (another worktree)") : "";
      out.push(`  ${style.yellow("in progress")} ${p.task_id} ${p.title} - ${who}, ${formatAge(p.age_seconds)}${lease}${where}`);
    }
    for (const k of s.blocked) out.push(`  ${style.red("blocked")} ${k.task_id} ${k.title} - ${k.reason}`);
  }
  for (const u of b.unreadable) out.push("", `${style.red("unreadable")} ${u.file}: ${u.error}`);
  return out;
}
