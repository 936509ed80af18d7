/** The package this program is published as (its command is `sdd`), and its version; a test holds them equal to package.json. */
export const VERSION = "0.1.0";
export const PACKAGE_NAME = "sdd-tracker";
