// Finds the project's root folder (the one holding package.json) from this module's location,
// so `config/default.yaml` and `docs/` are found both from the sources (src/config/) and from
// the build (dist/src/config/), whatever the working directory.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The shipped defaults, read before the user's file. */
export function defaultConfigFile(): string {
  return join(projectRoot(), 'config', 'default.yaml');
}
