import type { SpecsLocation } from "../../core/store/discovery.js";
import type * as WorklogStore from "../../core/worklog/store.js";
import type { WorklogPlaces } from "../../core/worklog/store.js";
import { locateSpecs } from "../_read.js";
import type { CliContext, GlobalOptions } from "../_shared.js";

export async function worklog(
  ctx: CliContext,
  flags: GlobalOptions,
): Promise<{ loc: SpecsLocation; places: WorklogPlaces; store: typeof WorklogStore }> {
  const loc = await locateSpecs(ctx, flags);
  const store = await import("../../core/worklog/store.js");
  return { loc, places: store.worklogPlaces(loc), store };
}
