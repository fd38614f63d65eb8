// config/default.yaml and the schema both hold the defaults (the file for readers, the schema so
// a missing key still works); these tests keep the two from drifting apart.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadConfig } from '../../src/config/loadConfig.js';
import { defaultConfigFile } from '../../src/config/projectRoot.js';
import { configSchema } from '../../src/config/schema.js';
import { configFields } from '../../src/config/schemaFields.js';

const defaultsText = readFileSync(defaultConfigFile(), 'utf8');

describe('config/default.yaml', () => {
  it('gives the same configuration as the schema defaults alone', () => {
    expect(loadConfig({ env: {} })).toEqual(configSchema.parse({}));
  });

  it('lists every key that has a default, with exactly that default', () => {
    const written = YAML.parse(defaultsText) as Record<string, unknown>;
    const at = (path: readonly string[]) => path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], written);
    for (const field of configFields()) {
      if (field.hasDefault) expect(at(field.path), field.key).toEqual(field.default);
      else expect(at(field.path), field.key).toBeUndefined();
    }
  });

  it('is valid on its own against the strict schema', () => {
    expect(configSchema.safeParse(YAML.parse(defaultsText)).success).toBe(true);
  });
});

describe('configSchema', () => {
  it('describes every key, so the generated docs have no blank rows', () => {
    const undescribed = configFields()
      .filter((field) => field.description.trim() === '')
      .map((field) => field.key);
    expect(undescribed).toEqual([]);
  });

  it('fills a missing section and a partly given section from the defaults', () => {
    const config = configSchema.parse({ metrics: { port: 1234 } });
    expect(config.metrics).toEqual({ enabled: true, host: '127.0.0.1', port: 1234 });
    expect(config.triggers.abandonedCart.enabled).toBe(true);
  });
});
