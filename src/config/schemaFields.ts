// A flat, read-only view of the config schema for the code that needs to know its shape
// without parsing: the env reader (which type to coerce a string to), error messages (which
// keys exist where, to suggest one) and the docs generator. It reads zod's JSON Schema export
// rather than zod internals, so it depends only on a documented format.

import * as z from 'zod';
import { configSchema } from './schema.js';
import { envVarName } from './envVarName.js';

/** The subset of JSON Schema that zod emits for this config. */
export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: readonly (string | number)[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  minLength?: number;
  format?: string;
}

/** One settable key (a leaf of the schema). */
export interface ConfigField {
  path: readonly string[];
  /** Dotted key path, e.g. `metrics.port`. */
  key: string;
  envVar: string;
  node: SchemaNode;
  hasDefault: boolean;
  default: unknown;
  description: string;
}

/** An object of the schema (a section), with the leaves directly under it. */
export interface ConfigSection {
  /** Empty for the top level. */
  path: readonly string[];
  description: string;
  fields: ConfigField[];
}

// `io: 'input'` describes what a user may write: defaulted keys are optional there.
export const configJsonSchema = z.toJSONSchema(configSchema, { io: 'input' }) as SchemaNode;

/** The schema node at a key path, or undefined when no such key exists. */
export function schemaNodeAt(path: readonly string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = configJsonSchema;
  for (const segment of path) {
    node = node?.properties && Object.hasOwn(node.properties, segment) ? node.properties[segment] : undefined;
  }
  return node;
}

/** Keys allowed in the object at a path (empty when the path is not an object). */
export function knownKeysAt(path: readonly string[]): string[] {
  return Object.keys(schemaNodeAt(path)?.properties ?? {});
}

/** Every section in schema order, the top level first, each with its own leaves. */
export function configSections(): ConfigSection[] {
  const sections: ConfigSection[] = [];
  const visit = (node: SchemaNode, path: string[]): void => {
    const section: ConfigSection = { path, description: node.description ?? '', fields: [] };
    sections.push(section);
    const nested: [SchemaNode, string[]][] = [];
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const childPath = [...path, key];
      if (child.type === 'object') nested.push([child, childPath]);
      else section.fields.push(toField(child, childPath));
    }
    for (const [child, childPath] of nested) visit(child, childPath);
  };
  visit(configJsonSchema, []);
  return sections;
}

/** Every settable key, in schema order. */
export function configFields(): ConfigField[] {
  return configSections().flatMap((section) => section.fields);
}

function toField(node: SchemaNode, path: string[]): ConfigField {
  return {
    path,
    key: path.join('.'),
    envVar: envVarName(path),
    node,
    hasDefault: Object.hasOwn(node, 'default'),
    default: node.default,
    description: node.description ?? '',
  };
}
