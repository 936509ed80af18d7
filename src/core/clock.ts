/**
 * The current time. `SDD_NOW` (an ISO timestamp) pins it, so tests and reproducible
 * renders get stable output; otherwise the system clock.
 */
export function now(env: NodeJS.ProcessEnv = process.env): Date {
  const pinned = env.SDD_NOW;
  if (pinned !== undefined && pinned !== "") {
    const t = Date.parse(pinned);
    if (!Number.isNaN(t)) return new Date(t);
  }
  return new Date();
}

export function timestamp(env: NodeJS.ProcessEnv = process.env): string {
  return now(env).toISOString();
}
