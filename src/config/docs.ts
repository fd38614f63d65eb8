// Generates docs/CONFIG.md from the config schema, so the reference can never disagree with
// what the loader accepts. Run after a build: `node dist/src/config/docs.js` writes the file;
// `--check` only compares and exits 1 when the committed file is stale (for CI).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV_PATH_SEPARATOR, ENV_PREFIX } from './envVarName.js';
import { CONFIG_FILE_ENV_VAR } from './envOverrides.js';
import { configSections, type ConfigField, type ConfigSection, type SchemaNode } from './schemaFields.js';
import { projectRoot } from './projectRoot.js';

export function configDocsPath(): string {
  return join(projectRoot(), 'docs', 'CONFIG.md');
}

/** The whole of docs/CONFIG.md. */
export function renderConfigDocs(): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config/schema.ts by src/config/docs.ts; do not edit by hand. -->',
    '',
    'pushflow builds its configuration from these layers, each deep-merged over the one before:',
    '',
    '1. `config/default.yaml` (the defaults below, with comments);',
    `2. your YAML file, given to \`loadConfig({ file })\` or named by \`$${CONFIG_FILE_ENV_VAR}\`;`,
    `3. environment variables \`${ENV_PREFIX}<SECTION>${ENV_PATH_SEPARATOR}<KEY>\`: each key path segment in UPPER_SNAKE, joined with \`${ENV_PATH_SEPARATOR}\`. Values are converted to the key's type; lists are comma-separated (\`${ENV_PREFIX}KAFKA${ENV_PATH_SEPARATOR}BROKERS=a:9092,b:9092\`), booleans are \`true\`/\`false\` (or \`1\`/\`0\`). A \`${ENV_PREFIX}*\` name without \`${ENV_PATH_SEPARATOR}\` that names no top-level key (such as \`$${CONFIG_FILE_ENV_VAR}\`) is not an override;`,
    '4. overrides passed by the program (e.g. command-line flags).',
    '',
    'Unknown keys are errors, as are values of the wrong type or out of range; each is reported with its key path and the file or environment variable it came from.',
    '',
  ];
  for (const section of configSections()) lines.push(...renderSection(section));
  return lines.join('\n');
}

function renderSection(section: ConfigSection): string[] {
  const depth = Math.max(1, section.path.length);
  const title = section.path.length === 0 ? 'Top-level keys' : `\`${section.path.join('.')}\``;
  const lines = [`${'#'.repeat(depth + 1)} ${title}`, ''];
  if (section.description) lines.push(section.description, '');
  if (section.fields.length === 0) return lines;
  lines.push('| Key | Type | Default | Environment variable | Description |', '| --- | --- | --- | --- | --- |');
  for (const field of section.fields) {
    const cells = [`\`${field.key}\``, typeText(field), defaultText(field), `\`${field.envVar}\``, field.description];
    lines.push(`| ${cells.map(escapeCell).join(' | ')} |`);
  }
  lines.push('');
  return lines;
}

function typeText(field: ConfigField): string {
  const text = nodeTypeText(field.node);
  return field.hasDefault ? text : `${text}, optional`;
}

function nodeTypeText(node: SchemaNode): string {
  if (node.enum) return `one of ${node.enum.map((value) => `\`${value}\``).join(', ')}`;
  switch (node.type) {
    case 'integer':
    case 'number':
      return `${node.type}${boundsText(node)}`;
    case 'string':
      return node.format === 'date-time' ? 'string (ISO 8601 date-time)' : 'string';
    case 'array': {
      const item = node.items ? nodeTypeText(node.items) : 'value';
      const least = node.minItems ? `, at least ${node.minItems}` : '';
      return `list of ${item}${least}`;
    }
    default:
      return node.type ?? 'any';
  }
}

function boundsText(node: SchemaNode): string {
  // zod states the safe-integer limits of every int; those say nothing to a reader.
  const meaningful = (bound: number | undefined) => bound !== undefined && Math.abs(bound) < Number.MAX_SAFE_INTEGER;
  const low = meaningful(node.minimum) ? node.minimum : undefined;
  const high = meaningful(node.maximum) ? node.maximum : undefined;
  if (low !== undefined && high !== undefined) return `, ${low} to ${high}`;
  if (meaningful(node.exclusiveMinimum)) return ` > ${node.exclusiveMinimum}`;
  if (low !== undefined) return ` ≥ ${low}`;
  if (high !== undefined) return ` ≤ ${high}`;
  return '';
}

function defaultText(field: ConfigField): string {
  if (!field.hasDefault) return '(none)';
  const value = field.default;
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function main(args: readonly string[]): number {
  const target = configDocsPath();
  const rendered = renderConfigDocs();
  if (args.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // A missing file is simply stale.
    }
    if (current === rendered) return 0;
    console.error(`${target} is out of date with src/config/schema.ts; regenerate it with: node dist/src/config/docs.js`);
    return 1;
  }
  writeFileSync(target, rendered);
  console.log(`wrote ${target}`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
