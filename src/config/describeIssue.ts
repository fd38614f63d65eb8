// Turns zod's validation issues into config problems an operator can act on: the dotted key,
// what was expected in the words of the schema (integer, a range, the allowed values), the
// value actually given, and where it was given (file, environment variable or overrides).

import type * as z from 'zod';
import type { ConfigProblem, CrossFieldParams } from './configError.js';
import type { MergedLayers, ValueOrigin } from './mergeLayers.js';
import { knownKeysAt, schemaNodeAt, type SchemaNode } from './schemaFields.js';
import { suggestKey } from './suggestKey.js';

export function describeIssue(issue: z.core.$ZodIssue, merged: MergedLayers): ConfigProblem[] {
  const path = issue.path.map(String);
  const key = pathText(issue.path);
  const value = valueAt(merged.values, issue.path);
  const node = schemaNodeAt(path);
  const problem = (detail: string, origin = merged.originAt(issue.path)): ConfigProblem => ({
    origin: origin?.label,
    path: key,
    detail,
  });

  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(path);
      const where = path.length === 0 ? 'at top level' : `in ${key}`;
      return issue.keys.map((unknown) => {
        const suggestion = suggestKey(unknown, known);
        const hint = suggestion ? `did you mean "${suggestion}"?` : `expected one of: ${known.join(', ')}`;
        return {
          origin: merged.originAt([...issue.path, unknown])?.label,
          path: [...path, unknown].join('.'),
          detail: `unknown key "${unknown}" ${where} (${hint})`,
        };
      });
    }
    case 'invalid_type': {
      if (value === undefined) return [problem(`${key}: missing, expected ${expectedType(issue.expected, node)}`)];
      return [problem(`${key}: expected ${expectedType(issue.expected, node)}, got ${show(value)}`)];
    }
    case 'too_small':
    case 'too_big':
      return [problem(`${key}: expected ${expectedBounds(issue, node)}, got ${show(value)}`)];
    case 'invalid_value': {
      const allowed = issue.values.map((v) => show(v)).join(', ');
      const suggestion = typeof value === 'string' ? suggestKey(value, issue.values.map(String)) : undefined;
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
      return [problem(`${key}: expected one of ${allowed}, got ${show(value)}${hint}`)];
    }
    case 'invalid_format': {
      const expected =
        issue.format === 'datetime'
          ? 'an ISO 8601 date-time such as "2026-11-02T00:00:00Z"'
          : issue.format === 'regex'
            ? issue.message.replace(/^expected /, '')
            : `a ${issue.format}`;
      return [problem(`${key}: expected ${expected}, got ${show(value)}`)];
    }
    case 'custom': {
      const related = (issue.params as Partial<CrossFieldParams> | undefined)?.relatedPaths ?? [];
      const relatedPaths = related.map((dotted) => dotted.split('.'));
      const got = value === undefined ? '' : `, got ${show(value)}`;
      const context = relatedPaths.map((relatedPath) => `${relatedPath.join('.')} is ${show(valueAt(merged.values, relatedPath))}`);
      const contextText = context.length > 0 ? ` (${context.join(', ')})` : '';
      return [problem(`${key}: ${issue.message}${got}${contextText}`, latestOrigin(merged, [issue.path, ...relatedPaths]))];
    }
    default:
      return [problem(`${key}: ${issue.message}`)];
  }
}

/** `['kafka', 'brokers', 0]` -> `kafka.brokers[0]`. */
export function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text === '' ? String(segment) : `${text}.${String(segment)}`;
  }, '');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function show(value: unknown): string {
  if (value === undefined) return 'unset';
  if (typeof value === 'string') return JSON.stringify(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function expectedType(zodExpected: string, node: SchemaNode | undefined): string {
  if (node?.type === 'integer' || zodExpected === 'int') return 'integer';
  if (node?.type === 'array' && node.items?.type) return `a list of ${node.items.type}s`;
  return zodExpected;
}

function expectedBounds(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, node: SchemaNode | undefined): string {
  if (issue.origin === 'string') return issue.code === 'too_small' && issue.minimum === 1 ? 'a non-empty string' : issue.message;
  if (issue.origin === 'array') return issue.code === 'too_small' ? `at least ${issue.minimum} item(s)` : `at most ${issue.maximum} item(s)`;
  const kind = node?.type === 'integer' ? 'an integer' : 'a number';
  const { minimum, maximum, exclusiveMinimum } = node ?? {};
  if (minimum !== undefined && maximum !== undefined && Math.abs(maximum) < Number.MAX_SAFE_INTEGER) {
    return `${kind} from ${minimum} to ${maximum}`;
  }
  if (issue.code === 'too_small') {
    const bound = exclusiveMinimum ?? issue.minimum;
    return `${kind} ${issue.inclusive ? '>=' : '>'} ${String(bound)}`;
  }
  return `${kind} ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
}

/** Of the layers that set any of these keys, the one applied last (the likeliest culprit). */
function latestOrigin(merged: MergedLayers, paths: readonly (readonly PropertyKey[])[]): ValueOrigin | undefined {
  let latest: ValueOrigin | undefined;
  for (const path of paths) {
    const origin = merged.originAt(path);
    if (origin && (!latest || origin.rank > latest.rank)) latest = origin;
  }
  return latest;
}
