/** Every command, registered from one place. */
import type { Command } from "commander";
import type { CliContext } from "./_shared.js";
import * as addJournal from "./add-journal.js";
import * as addRevision from "./add-revision.js";
import * as completeTask from "./complete-task.js";
import * as fix from "./fix.js";
import * as history from "./history.js";
import * as markBlocked from "./mark-blocked.js";
import * as schema from "./schema.js";
import * as unblockTask from "./unblock-task.js";
import * as updateStatus from "./update-status.js";
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
  history.register,
  schema.register,
];
