// The small naming rules config errors and env overrides rest on.

import { describe, expect, it } from 'vitest';
import { camelFromUpperSnake, envVarName, upperSnake } from '../../src/config/envVarName.js';
import { isConfigEnvVar } from '../../src/config/envOverrides.js';
import { configFields } from '../../src/config/schemaFields.js';
import { editDistance, suggestKey } from '../../src/config/suggestKey.js';

describe('env var names', () => {
  it('maps key paths to PUSHFLOW_ names with UPPER_SNAKE segments joined by __', () => {
    expect(envVarName(['metrics', 'port'])).toBe('PUSHFLOW_METRICS__PORT');
    expect(envVarName(['simulator', 'ratePerSec'])).toBe('PUSHFLOW_SIMULATOR__RATE_PER_SEC');
    expect(envVarName(['triggers', 'abandonedCart', 'delayMinutes'])).toBe('PUSHFLOW_TRIGGERS__ABANDONED_CART__DELAY_MINUTES');
    expect(envVarName(['dataDir'])).toBe('PUSHFLOW_DATA_DIR');
  });

  it('gives every key a distinct name that converts back to its camelCase segments', () => {
    const names = configFields().map((field) => field.envVar);
    expect(new Set(names).size).toBe(names.length);
    for (const field of configFields()) {
      expect(field.path.map((segment) => camelFromUpperSnake(upperSnake(segment)))).toEqual(field.path);
      expect(isConfigEnvVar(field.envVar)).toBe(true);
    }
  });

  it('leaves other PUSHFLOW_ variables alone unless they look like a key path', () => {
    expect(isConfigEnvVar('PUSHFLOW_CONFIG')).toBe(false);
    expect(isConfigEnvVar('PUSHFLOW_REQUIRE_KAFKA')).toBe(false);
    expect(isConfigEnvVar('HOME')).toBe(false);
    expect(isConfigEnvVar('PUSHFLOW_METRCS__PORT')).toBe(true);
  });
});

describe('suggestKey', () => {
  it('suggests the known key a typo most likely meant', () => {
    expect(suggestKey('metrcs', ['source', 'metrics', 'kafka'])).toBe('metrics');
    expect(suggestKey('metircs', ['source', 'metrics', 'kafka'])).toBe('metrics');
    expect(suggestKey('Port', ['host', 'port'])).toBe('port');
  });

  it('suggests nothing for an unrelated word', () => {
    expect(suggestKey('zzzz', ['source', 'metrics', 'kafka'])).toBeUndefined();
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
