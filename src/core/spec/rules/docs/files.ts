/** The texts of docs/rules.md for reading the file, the schema, and the spec's identity. */
import type { RuleDoc } from "./index.js";

export const FILE_DOCS = {
  "json-encoding": {
    meaning:
      "The bytes are not UTF-8 text: a binary file, a file saved as Latin-1 or UTF-16, or a file cut in the middle of a multi-byte character. The message gives the offending byte, its offset, and its line and column.",
    why: "every tool that reads specs expects UTF-8 JSON; a spec in another encoding loses its non-ASCII text or cannot be read at all.",
    bad: '`{"title": "caf\\xE9"}` (the `é` written as the single Latin-1 byte `0xE9`).',
    fix: "re-save the file as UTF-8, or restore it from git or from its backup (`sdd doctor`).",
  },
  "json-bom": {
    meaning:
      "The file starts with a UTF-8 byte order mark (`EF BB BF`). The spec is read anyway, and positions are counted without the mark.",
    why: "many JSON tools (Python's `json.load` without `utf-8-sig`, `jq` in some versions, `JSON.parse`) reject a leading BOM.",
    bad: 'the bytes `EF BB BF` followed by `{"spec_id": …}`.',
    fix: "save the file as UTF-8 without BOM.",
  },
  "json-empty": {
    meaning: "The file is empty or holds only whitespace; reported at 1:1.",
    why: "usually a write that was interrupted or a file truncated by a crashed tool.",
    bad: "a 0-byte `demo-2026-01-01-001.json`.",
    fix: "restore the file from git or from its backup (`sdd doctor`).",
  },
  "json-syntax": {
    meaning:
      'The text is not valid JSON. The message says what was expected and where: a truncated file ("unexpected end of file … the file looks truncated"), a trailing comma, an unterminated string, a raw line break inside a string, single quotes, `NaN`, a second value after the first ("after the end of the JSON value"), and so on.',
    why: "nothing can be checked or updated in a file that does not parse; the usual cause is two tools writing the same file at once, or a hand edit.",
    bad: 'the text below (line 3, column 1: a property name was expected after the comma):\n\n```text\n{\n  "spec_id": "demo-2026-01-01-001",\n}\n```',
    fix: "fix the JSON by hand at the given line and column, or restore the file from git or from its backup (`sdd doctor`).",
  },
  "json-too-deep": {
    meaning:
      "Arrays or objects are nested more than 1000 levels deep. Real specs use about eight levels; this only happens with generated or corrupted files.",
    why: "such a file cannot be checked safely (each level costs stack space), so it is refused with its position instead of crashing.",
    bad: '`{"metadata": [[[[ … 1001 levels … ]]]]}`.',
    fix: "restore the file, or flatten the data.",
  },
  "json-duplicate-key": {
    meaning: "An object has the same key twice. The position is that of the repeated key.",
    why: "JSON parsers keep only the last value, silently; a merge or a concurrent write that left two `status` keys in a node makes the file say two different things.",
    bad: '```json\n"task-1-1": { "status": "completed", "title": "Cart", "status": "pending" }\n```',
    fix: "keep one of the two members.",
  },
  "file-not-found": {
    meaning:
      "A `*.json` entry in a spec folder cannot be read as a file: it is a directory, or a symbolic link to nothing. (A target that does not exist is not a finding: it stops the command with `spec-not-found`, exit 2.)",
    why: "a spec folder should hold only spec files; such an entry hides a missing spec.",
    bad: "a directory named `specs/active/demo-2026-01-01-001.json/`.",
    fix: "remove or rename the entry, or restore the spec it should be.",
  },
  "file-unreadable": {
    meaning: "The file exists but cannot be read (for example permission denied); the message gives the system error code.",
    why: "a spec the tools cannot read cannot be checked or updated.",
    bad: "`chmod 000 specs/active/demo-2026-01-01-001.json`.",
    fix: "restore the permissions.",
  },
  schema: {
    meaning:
      "The spec does not match `schemas/spec.schema.json`: a missing required property (`spec_id`, `generated`, `last_updated`, `hierarchy`; and for a node `type`, `title`, `status`, `parent`, `children`, `total_tasks`, `completed_tasks`, `metadata`), a value of the wrong type, a `type` or `status` outside its enum, a journal entry without `timestamp`, `entry_type`, `title` or `content`, and so on. A missing property is reported at its own pointer (for example `/hierarchy/task-1-1/title`), shown at its parent's position.",
    why: "every command relies on these fields having these types; the schema is what editors and other tools check against too.",
    bad: '`"task-1-1": { "type": "task", "status": "done", … }` (`done` is not one of `pending`, `in_progress`, `completed`, `blocked`).',
    fix: "use the documented type or value (`sdd schema spec` prints the schema).",
  },
  "reserved-key": {
    meaning: "A key is `__proto__` anywhere in the file, or a node id is `__proto__`, `constructor` or `prototype`.",
    why: "these names are properties of every JavaScript object; tools that index the hierarchy with a plain object can confuse such a node with the object's own machinery (or have it dropped or turned into a prototype change by a naive parser).",
    bad: '`"hierarchy": { "constructor": { "type": "task", … } }`.',
    fix: "rename the key (and every reference to the node).",
  },
  "spec-id-unsafe": {
    meaning:
      "`spec_id` contains something other than letters, digits, `.`, `_` and `-`, does not start with a letter or digit, or contains `..`.",
    why: "the spec id names the file (`<spec_id>.json`); an id such as `../x` or `team/x` would make a command write outside the specs folder, so `sdd` refuses to work with it.",
    bad: '`"spec_id": "../billing-2026-01-01-001"`.',
    fix: "choose a plain id and rename the file to match.",
  },
  "spec-id-format": {
    meaning: "`spec_id` does not follow the convention `<feature>-<YYYY-MM-DD>-<nnn>` (pattern `^[\\w-]+-\\d{4}-\\d{2}-\\d{2}-\\d{3,}$`).",
    why: "the date and sequence keep ids unique and sortable across branches.",
    bad: '`"spec_id": "billing"`.',
    fix: "rename to, for example, `billing-2026-01-01-001` (and rename the file), or turn the rule off in `sdd.config.json` if your team uses another convention.",
  },
  "spec-id-mismatch": {
    meaning: "`spec_id` differs from the file name without `.json`.",
    why: "specs are looked up by file name; a command given the id inside the file would not find it, and two files could claim the same id.",
    bad: 'file `checkout-2026-03-01-001.json` holding `"spec_id": "checkout-2026-03-01-002"`.',
    fix: "rename the file or correct `spec_id`.",
  },
  "folder-status-mismatch": {
    meaning:
      "`metadata.status` does not belong in the folder the file is in. Accepted: `pending/`: `pending`, `approved`, `draft`, `planned`; `active/`: `active`, `in_progress`; `completed/`: `completed`; `archived/`: `archived`.",
    why: "the folder is the lifecycle state most tools and people look at; a spec whose metadata says otherwise was moved by hand or half-moved by an interrupted command.",
    bad: '`specs/completed/x.json` with `"metadata": { "status": "active" }`.',
    fix: "`sdd validate --fix` (or `sdd fix`) repairs it toward what the work shows: a spec whose work is all complete moves to `completed/` with `metadata.status` `completed` (it is not relabelled `active`); a spec in `completed/` with open work moves to `active/` (`pending/` when nothing started); otherwise `metadata.status` is set to the folder. `archived/` specs are only relabelled. By hand: `sdd move-spec`/`complete-spec`/`activate-spec`.",
  },
  "completed-open-work": {
    meaning:
      "The spec is in `completed/` but some task, subtask or verify node is not completed. The pointer is the first open node's `status`; the message counts and names them.",
    why: 'the folder is what people, the log and the CI gate read as "done"; a spec filed there with work open is the "done while still open" failure, whatever `metadata.status` says. (A spec with no work at all is not reported here: nothing in it is open; see the [roll-up counting rule](#roll-up-counting-rule).)',
    bad: "`specs/completed/x.json` with `task-1-2` pending.",
    fix: "finish the work, or move the spec out of `completed/`: `sdd validate --fix` (or `sdd fix`) moves it to `active/` (to `pending/` when nothing has started). `complete-spec --force` and `move-spec … completed --force` still file it there on purpose.",
  },
  "duplicate-spec-id": {
    meaning:
      "Reported on each file involved: two files checked in the same run have the same spec id (from `spec_id`, or the file name when the file has none), typically the same spec in `active/` and `completed/` after an interrupted move.",
    why: "a spec id must resolve to exactly one file; with two, updates land in one copy while readers may see the other.",
    bad: "`specs/active/demo-2026-01-01-001.json` and `specs/completed/demo-2026-01-01-001.json`.",
    fix: "keep the up-to-date copy and delete the other (`sdd doctor` helps choose).",
  },
  "work-item-missing": {
    meaning:
      "`metadata.work_item_spec` names a file that does not exist. The path is resolved against the spec's folder and then each parent directory, nearest first.",
    why: "the link is how the work-item log and the spec find each other; a dangling link means a renamed or deleted work item.",
    bad: '`"metadata": { "work_item_spec": "meta/memory_bank/items/gone.md" }`.',
    fix: "correct the path or restore the work-item file.",
  },
} satisfies Readonly<Record<string, RuleDoc>>;
