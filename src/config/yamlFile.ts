// Reads one YAML config file into a plain object. Every failure (missing file, syntax error,
// a top level that is not a mapping) becomes a ConfigError naming the file, and the line and
// column for syntax errors, because "unexpected token" without a place is useless in a deploy.

import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { ConfigError } from './configError.js';
import { isPlainObject } from './mergeLayers.js';

/** Parses `file` (shown in errors as `label`); an empty file is an empty config. */
export function readYamlConfigFile(file: string, label = file): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([{ origin: label, path: '', detail: `cannot read config file: ${reason}` }]);
  }

  // uniqueKeys (the default) makes a repeated key an error instead of a silent override.
  const document = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [first] = document.errors;
  if (first) {
    // Later errors are usually knock-on effects of the first, so only the first is reported.
    const [start] = first.linePos ?? [];
    const place = start ? ` at line ${start.line}, column ${start.col}` : '';
    const [summary, ...excerpt] = first.message.split('\n');
    const reason = summary.replace(/ at line \d+, column \d+:?$/, '');
    const context = excerpt.filter((line) => line.trim() !== '').map((line) => `    ${line}`);
    throw new ConfigError([{ origin: label, path: '', detail: [`YAML syntax error${place}: ${reason}`, ...context].join('\n') }]);
  }

  const values: unknown = document.toJS();
  if (values === null || values === undefined) return {};
  if (!isPlainObject(values)) {
    const got = Array.isArray(values) ? 'a list' : `${typeof values} ${JSON.stringify(values)}`;
    throw new ConfigError([{ origin: label, path: '', detail: `expected a mapping of config sections at the top level, got ${got}` }]);
  }
  return values;
}
