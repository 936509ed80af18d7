/** Every command, registered from one place. */
import type { Command } from "commander";
import type { CliContext } from "./_shared.js";
import * as addJournal from "./add-journal.js";
import * as addRevision from "./add-revision.js";
import * as addTask from "./add-task.js";
import * as checkComplete from "./check-complete.js";
import * as ci from "./ci.js";
import * as checkDeps from "./check-deps.js";
import * as checkJournaling from "./check-journaling.js";
import * as completeTask from "./complete-task.js";
import * as completion from "./completion.js";
import * as create from "./create.js";
import * as doctor from "./doctor.js";
import * as findSpecs from "./find-specs.js";
import * as fix from "./fix.js";
import * as history from "./history.js";
import * as init from "./init.js";
import { registerActivateSpec, registerCompleteSpec, registerMoveSpec } from "./lifecycle.js";
import * as listSpecs from "./list-specs.js";
import * as log from "./log/index.js";
import * as markBlocked from "./mark-blocked.js";
import * as mergeDriver from "./merge-driver.js";
import * as nextTask from "./next-task.js";
import * as progress from "./progress.js";
import * as schema from "./schema.js";
import * as statusReport from "./status-report.js";
import * as taskInfo from "./task-info.js";
import * as unblockTask from "./unblock-task.js";
import * as updateStatus from "./update-status.js";
import * as undo from "./undo.js";
import * as updateTaskMetadata from "./update-task-metadata.js";
import * as validate from "./validate.js";

export type Register = (program: Command, ctx: CliContext) => void;

export const COMMANDS: Register[] = [
  validate.register,
  fix.register,
  updateStatus.register,
  completeTask.register,
  markBlocked.register,
  unblockTask.register,
  addJournal.register,
  addRevision.register,
  updateTaskMetadata.register,
  checkJournaling.register,
  ci.register,
  checkComplete.register,
  registerCompleteSpec,
  registerActivateSpec,
  registerMoveSpec,
  progress.register,
  listSpecs.register,
  findSpecs.register,
  taskInfo.register,
  nextTask.register,
  checkDeps.register,
  statusReport.register,
  create.register,
  log.register,
  addTask.register,
  history.register,
  undo.register,
  doctor.register,
  init.register,
  mergeDriver.register,
  completion.register,
  schema.register,
];
