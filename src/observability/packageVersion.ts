// The version in pushflow's package.json, for build_info. Read at run time rather than
// imported, because JSON imports need an import attribute and package.json sits outside the
// compiled tree.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../config/projectRoot.js';

export function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
