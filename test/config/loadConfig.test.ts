// Config loading end to end: real YAML files in a temp folder, the shipped config/default.yaml,
// an explicit env object (never the test process's own), and the exact error lines operators see.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/configError.js';
import { loadConfig } from '../../src/config/loadConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'pushflow-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function yamlFile(text: string): string {
  const file = join(dir, `config-${++fileCount}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** The ConfigError thrown by `load`, failing the test if it does not throw one. */
function configErrorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

describe('loadConfig: layers', () => {
  it('loads the documented defaults with no file and no environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.source.kind).toBe('simulator');
    expect(config.simulator).toEqual({
      seed: 42,
      users: 1000,
      items: 5000,
      ratePerSec: 1000,
      batchSize: 500,
      startTime: '2026-11-02T00:00:00Z',
      outOfOrderMs: 0,
      duplicateRate: 0,
      invalidRate: 0,
    });
    expect(config.file).toEqual({ format: 'jsonl', batchSize: 10000 });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.dataDir).toBe('./data');
    expect(config.outbox).toEqual({ maxDepth: 10000, resumeDepth: 5000, deliveryBatchSize: 200 });
    expect(config.metrics).toEqual({ enabled: true, host: '127.0.0.1', port: 9464 });
    expect(config.triggers.abandonedCart).toEqual({ enabled: true, delayMinutes: 30, channel: 'push' });
  });

  it('deep-merges the user file over the defaults: set keys change, siblings keep their defaults', () => {
    const file = yamlFile(['metrics:', '  port: 9100', 'kafka:', '  brokers: [k1:9092, k2:9092]', 'triggers:', '  abandonedCart:', '    channel: email'].join('\n'));
    const config = loadConfig({ file, env: {} });
    expect(config.metrics).toEqual({ enabled: true, host: '127.0.0.1', port: 9100 });
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.kafka.groupId).toBe('pushflow');
    expect(config.triggers.abandonedCart).toEqual({ enabled: true, delayMinutes: 30, channel: 'email' });
  });

  it('treats an empty or comment-only file as no overrides', () => {
    expect(loadConfig({ file: yamlFile(''), env: {} })).toEqual(loadConfig({ env: {} }));
    expect(loadConfig({ file: yamlFile('# nothing yet\n'), env: {} })).toEqual(loadConfig({ env: {} }));
  });

  it('applies PUSHFLOW_* variables over the file, converted to each key type', () => {
    const file = yamlFile('metrics:\n  port: 9100\n');
    const config = loadConfig({
      file,
      env: {
        PUSHFLOW_METRICS__PORT: '9000',
        PUSHFLOW_METRICS__ENABLED: 'false',
        PUSHFLOW_KAFKA__BROKERS: 'a:9092, b:9092',
        PUSHFLOW_SIMULATOR__RATE_PER_SEC: '0',
        PUSHFLOW_SIMULATOR__DUPLICATE_RATE: '0.25',
        PUSHFLOW_SOURCE__KIND: 'kafka',
        PUSHFLOW_DATA_DIR: '/var/lib/pushflow',
        PUSHFLOW_TRIGGERS__ABANDONED_CART__DELAY_MINUTES: '45',
        PATH: '/usr/bin',
      },
    });
    expect(config.metrics).toEqual({ enabled: false, host: '127.0.0.1', port: 9000 });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9092']);
    expect(config.simulator.ratePerSec).toBe(0);
    expect(config.simulator.duplicateRate).toBe(0.25);
    expect(config.source.kind).toBe('kafka');
    expect(config.dataDir).toBe('/var/lib/pushflow');
    expect(config.triggers.abandonedCart.delayMinutes).toBe(45);
  });

  it('ignores PUSHFLOW_ variables that name no key and have no __ (other tools own them)', () => {
    const config = loadConfig({ env: { PUSHFLOW_REQUIRE_KAFKA: '1', PUSHFLOW_CONFIG: '' } });
    expect(config).toEqual(loadConfig({ env: {} }));
  });

  it('reads the user file from $PUSHFLOW_CONFIG when no file is given', () => {
    const file = yamlFile('dataDir: /srv/pushflow\n');
    expect(loadConfig({ env: { PUSHFLOW_CONFIG: file } }).dataDir).toBe('/srv/pushflow');
  });

  it('applies programmatic overrides last, over file and environment', () => {
    const file = yamlFile('metrics:\n  port: 9100\n');
    const config = loadConfig({ file, env: { PUSHFLOW_METRICS__PORT: '9000' }, overrides: { metrics: { port: 0 } } });
    expect(config.metrics.port).toBe(0);
  });
});

describe('loadConfig: errors name the key, the origin and the expectation', () => {
  it('rejects an unknown top-level key and suggests the closest one', () => {
    const file = yamlFile('metrcs:\n  port: 9000\n');
    const error = configErrorOf(() => loadConfig({ file, env: {} }));
    expect(error.message).toBe(`config error in ${file}: unknown key "metrcs" at top level (did you mean "metrics"?)`);
    expect(error.problems).toEqual([{ origin: file, path: 'metrcs', detail: expect.stringContaining('unknown key') }]);
  });

  it('rejects an unknown nested key with its section path and a suggestion', () => {
    const file = yamlFile('triggers:\n  abandonedCart:\n    delayMinuts: 10\n');
    const error = configErrorOf(() => loadConfig({ file, env: {} }));
    expect(error.message).toBe(
      `config error in ${file}: unknown key "delayMinuts" in triggers.abandonedCart (did you mean "delayMinutes"?)`,
    );
  });

  it('lists the known keys when nothing is close to an unknown one', () => {
    const file = yamlFile('zzzz: 1\n');
    expect(configErrorOf(() => loadConfig({ file, env: {} })).message).toMatch(/unknown key "zzzz" at top level \(expected one of: source, simulator, .*triggers.*\)/);
  });

  it('names the key path and the file for a value of the wrong type', () => {
    const file = yamlFile('metrics:\n  port: abc\n');
    expect(configErrorOf(() => loadConfig({ file, env: {} })).message).toBe(
      `config error in ${file}: metrics.port: expected integer, got "abc"`,
    );
  });

  it('names the bounds for out-of-range numbers and the allowed values for enums', () => {
    const file = yamlFile('metrics:\n  port: 70000\nsimulator:\n  invalidRate: 1.5\nsource:\n  kind: kafak\n');
    const lines = configErrorOf(() => loadConfig({ file, env: {} })).message.split('\n');
    expect(lines).toContain(`config error in ${file}: metrics.port: expected an integer from 0 to 65535, got 70000`);
    expect(lines).toContain(`config error in ${file}: simulator.invalidRate: expected a number from 0 to 1, got 1.5`);
    expect(lines).toContain(
      `config error in ${file}: source.kind: expected one of "simulator", "kafka", "file", got "kafak" (did you mean "kafka"?)`,
    );
  });

  it('reports every problem at once, one line each', () => {
    const file = yamlFile('metrics:\n  port: abc\n  hots: x\nkafka:\n  brokers: [nohost]\n');
    const error = configErrorOf(() => loadConfig({ file, env: {} }));
    expect(error.problems.map((p) => p.path).sort()).toEqual(['kafka.brokers[0]', 'metrics.hots', 'metrics.port']);
    expect(error.message.split('\n')).toHaveLength(3);
    expect(error.message).toContain(`config error in ${file}: kafka.brokers[0]: expected host:port, got "nohost"`);
  });

  it('names the environment variable when the bad value came from it', () => {
    const file = yamlFile('metrics:\n  host: 0.0.0.0\n');
    const error = configErrorOf(() => loadConfig({ file, env: { PUSHFLOW_METRICS__PORT: 'abc' } }));
    expect(error.message).toBe('config error in environment variable PUSHFLOW_METRICS__PORT: metrics.port: expected integer, got "abc"');
  });

  it('names the environment variable for an unknown section, with a suggestion', () => {
    const error = configErrorOf(() => loadConfig({ env: { PUSHFLOW_METRCS__PORT: '9000' } }));
    expect(error.message).toBe(
      'config error in environment variable PUSHFLOW_METRCS__PORT: unknown key "metrcs" at top level (did you mean "metrics"?)',
    );
  });

  it('rejects an environment variable that cannot be a key path', () => {
    const error = configErrorOf(() => loadConfig({ env: { PUSHFLOW_metrics__port: '9000' } }));
    expect(error.message).toMatch(/^config error in environment variable PUSHFLOW_metrics__port: cannot map the name to a config key/);
  });

  it('rejects a non-boolean string for a boolean key set in the environment', () => {
    const error = configErrorOf(() => loadConfig({ env: { PUSHFLOW_METRICS__ENABLED: 'maybe' } }));
    expect(error.message).toBe('config error in environment variable PUSHFLOW_METRICS__ENABLED: metrics.enabled: expected boolean, got "maybe"');
  });

  it('names the file, line and column of a YAML syntax error', () => {
    const file = yamlFile('metrics:\n  port: 9000\n    host: x\n');
    const error = configErrorOf(() => loadConfig({ file, env: {} }));
    expect(error.message.split('\n')[0]).toMatch(new RegExp(`^config error in ${escape(file)}: YAML syntax error at line \\d+, column \\d+: `));
    expect(error.message).toContain('line 2');
  });

  it('names the line of a repeated key', () => {
    const file = yamlFile('dataDir: a\nmetrics:\n  port: 1\ndataDir: b\n');
    expect(configErrorOf(() => loadConfig({ file, env: {} })).message.split('\n')[0]).toBe(
      `config error in ${file}: YAML syntax error at line 4, column 1: Map keys must be unique`,
    );
  });

  it('names a missing file', () => {
    const file = join(dir, 'does-not-exist.yaml');
    expect(configErrorOf(() => loadConfig({ file, env: {} })).message).toBe(`config error in ${file}: cannot read config file: file not found`);
  });

  it('rejects a file whose top level is not a mapping', () => {
    const file = yamlFile('- metrics\n- kafka\n');
    expect(configErrorOf(() => loadConfig({ file, env: {} })).message).toBe(
      `config error in ${file}: expected a mapping of config sections at the top level, got a list`,
    );
  });

  it('checks outbox.resumeDepth < outbox.maxDepth, blaming the layer that broke it', () => {
    const file = yamlFile('outbox:\n  maxDepth: 100\n');
    expect(configErrorOf(() => loadConfig({ file, env: {} })).message).toBe(
      `config error in ${file}: outbox.resumeDepth: must be less than outbox.maxDepth, got 5000 (outbox.maxDepth is 100)`,
    );
    const fromEnv = configErrorOf(() => loadConfig({ env: { PUSHFLOW_OUTBOX__RESUME_DEPTH: '10000' } }));
    expect(fromEnv.message).toBe(
      'config error in environment variable PUSHFLOW_OUTBOX__RESUME_DEPTH: outbox.resumeDepth: must be less than outbox.maxDepth, got 10000 (outbox.maxDepth is 10000)',
    );
  });

  it('requires file.path when source.kind is file, blaming where the kind was set', () => {
    const error = configErrorOf(() => loadConfig({ env: { PUSHFLOW_SOURCE__KIND: 'file' } }));
    expect(error.message).toBe(
      'config error in environment variable PUSHFLOW_SOURCE__KIND: file.path: required when source.kind is "file" (source.kind is "file")',
    );
    const withPath = loadConfig({ env: { PUSHFLOW_SOURCE__KIND: 'file', PUSHFLOW_FILE__PATH: '/data/events.jsonl' } });
    expect(withPath.file.path).toBe('/data/events.jsonl');
  });

  it('names "overrides" as the origin of bad programmatic overrides', () => {
    const error = configErrorOf(() => loadConfig({ env: {}, overrides: { metrics: { port: -1 } } }));
    expect(error.message).toBe('config error in overrides: metrics.port: expected an integer from 0 to 65535, got -1');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
