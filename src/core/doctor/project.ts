/**
 * The whole of `sdd doctor`: the specs folder and the work-item folder (runDoctor), then the
 * commands git starts for the project (the pre-commit hook and the merge driver `sdd init`
 * registers), which fail only when git runs them.
 */
import { checkGitCommands } from "../init/command.js";
import { findRepoRoot } from "../store/config.js";
import type { SpecsLocation } from "../store/discovery.js";
import { worklogPlaces } from "../worklog/store.js";
import { runDoctor, type DoctorProblem } from "./doctor.js";

export interface DiagnoseOptions {
  loc: SpecsLocation;
  cwd: string;
  env: NodeJS.ProcessEnv;
  fix: boolean;
}

export function diagnoseProject(o: DiagnoseOptions): DoctorProblem[] {
  const problems = runDoctor({ ...o, workItemsDir: worklogPlaces(o.loc).dir });
  const repo = findRepoRoot(o.loc.config.root);
  if (repo !== undefined) problems.push(...checkGitCommands(repo, o.env));
  return problems;
}
