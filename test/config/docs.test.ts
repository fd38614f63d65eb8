// docs/CONFIG.md is generated from the schema; this fails when someone changes the schema
// without regenerating it (fix: build, then `node dist/src/config/docs.js`).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configDocsPath, renderConfigDocs } from '../../src/config/docs.js';
import { configFields } from '../../src/config/schemaFields.js';

describe('docs/CONFIG.md', () => {
  const rendered = renderConfigDocs();

  it('is up to date with the schema', () => {
    expect(readFileSync(configDocsPath(), 'utf8')).toBe(rendered);
  });

  it('has a row per key with its type, default, env var and description', () => {
    for (const field of configFields()) {
      const row = rendered.split('\n').find((line) => line.startsWith(`| \`${field.key}\` |`));
      expect(row, field.key).toBeDefined();
      expect(row).toContain(`\`${field.envVar}\``);
      expect(row).toContain(field.description.replace(/\|/g, '\\|'));
    }
    expect(rendered).toContain('| `metrics.port` | integer, 0 to 65535 | `9464` | `PUSHFLOW_METRICS__PORT` |');
    expect(rendered).toContain('| `source.kind` | one of `simulator`, `kafka`, `file` | `simulator` |');
    expect(rendered).toContain('| `file.path` | string, optional | (none) |');
  });

  it('has a section per schema object, nested ones one level deeper', () => {
    expect(rendered).toContain('\n## `outbox`\n');
    expect(rendered).toContain('\n### `triggers.abandonedCart`\n');
  });
});
