// Reads and validates the template files (`config/templates/*.yaml`, one notification type each)
// at start. Every problem fails fast naming the file and line: an unknown placeholder, a field of
// unknown kind, a channel or part that does not exist, a missing part, malformed message syntax,
// a channel without the fallback locale, a type defined twice.
//
//   type: abandoned_cart
//   fields: { item: text, price: money }          # placeholders the copy may use, and their kind
//   channels:
//     push:                                       # push and webhook: title, body
//       en-US:                                    # a list of variants, or one variant
//         - { variant: a, title: "...", body: "..." }
//     sms: { zh-CN: { text: "..." } }             # sms: text
//     email: { en-US: { subject: "...", html: "...", text: "..." } }

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { CHANNELS, type Channel } from '../events/types.js';
import { FIELD_KINDS, MessageSyntaxError, parseMessage, placeholders, type FieldKind, type Part } from './messageFormat.js';

export const CHANNEL_PARTS: Record<Channel, readonly string[]> = {
  push: ['title', 'body'],
  webhook: ['title', 'body'],
  sms: ['text'],
  email: ['subject', 'html', 'text'],
};

export interface CompiledVariant {
  id: string;
  weight: number;
  parts: Record<string, Part[]>;
}

export interface TypeTemplates {
  type: string;
  file: string;
  fields: Record<string, FieldKind>;
  /** The keys of `fields`, for the renderer's loop. */
  fieldNames: readonly string[];
  channels: Map<Channel, Map<string, CompiledVariant[]>>;
}

export class TemplateError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'TemplateError';
  }
}

/** Loads every `*.yaml` in `dir`; each locale list of every channel must hold `fallbackLocale`. */
export function loadTemplateDir(dir: string, fallbackLocale: string): Map<string, TypeTemplates> {
  const byType = new Map<string, TypeTemplates>();
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort();
  for (const name of files) {
    const file = join(dir, name);
    const templates = parseTemplateFile(file, readFileSync(file, 'utf8'), fallbackLocale);
    const previous = byType.get(templates.type);
    if (previous !== undefined) throw new TemplateError(file, 1, `type "${templates.type}" is already defined in ${previous.file}`);
    byType.set(templates.type, templates);
  }
  return byType;
}

/** Parses and validates one template file's text. */
export function parseTemplateFile(file: string, text: string, fallbackLocale: string): TypeTemplates {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  const fail = (node: Node | null | undefined, detail: string): never => {
    throw new TemplateError(file, lineAt(node?.range?.[0]), detail);
  };
  if (doc.errors.length > 0) throw new TemplateError(file, lineAt(doc.errors[0].pos[0]), `YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const root = doc.contents;
  if (!isMap(root)) return fail(root, 'expected a mapping with type, fields and channels');
  const entries = pairsOf(root, ['type', 'description', 'fields', 'channels'], fail);

  const typeNode = entries.get('type');
  if (!isScalar(typeNode) || typeof typeNode.value !== 'string' || typeNode.value === '') return fail(typeNode ?? root, 'missing "type" (the notification type, e.g. abandoned_cart)');
  const type = typeNode.value;

  const fields: Record<string, FieldKind> = {};
  const fieldsNode = entries.get('fields');
  if (!isMap(fieldsNode)) return fail(fieldsNode ?? root, `missing "fields": the placeholders the copy may use, each with its kind (${FIELD_KINDS.join(', ')})`);
  for (const [name, node] of pairsOf(fieldsNode, undefined, fail)) {
    const kind = isScalar(node) ? node.value : undefined;
    if (typeof kind !== 'string' || !(FIELD_KINDS as readonly string[]).includes(kind)) {
      return fail(node, `field "${name}" has unknown kind ${JSON.stringify(kind)} (known: ${FIELD_KINDS.join(', ')})`);
    }
    fields[name] = kind as FieldKind;
  }

  const channelsNode = entries.get('channels');
  if (!isMap(channelsNode)) return fail(channelsNode ?? root, 'missing "channels" (push, sms, email, webhook)');
  const channels = new Map<Channel, Map<string, CompiledVariant[]>>();
  for (const [channelName, localesNode] of pairsOf(channelsNode, CHANNELS, fail)) {
    const channel = channelName as Channel;
    if (!isMap(localesNode)) return fail(localesNode, `${channel}: expected locales (e.g. en-US, zh-CN)`);
    const byLocale = new Map<string, CompiledVariant[]>();
    for (const [locale, variantsNode] of pairsOf(localesNode, undefined, fail)) {
      if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale)) fail(variantsNode, `${channel}: "${locale}" is not a BCP 47 locale`);
      const variantNodes: Node[] = isSeq(variantsNode) ? (variantsNode.items as Node[]) : [variantsNode as Node];
      if (variantNodes.length === 0) fail(variantsNode, `${channel}.${locale}: no variant`);
      const variants: CompiledVariant[] = [];
      variantNodes.forEach((variantNode, index) => {
        const where = `${channel}.${locale}[${index}]`;
        if (!isMap(variantNode)) return fail(variantNode, `${where}: expected a mapping of ${CHANNEL_PARTS[channel].join(', ')}`);
        const variantEntries = pairsOf(variantNode, ['variant', 'weight', ...CHANNEL_PARTS[channel]], fail, where);
        const idNode = variantEntries.get('variant');
        const id = isScalar(idNode) ? String(idNode.value) : variantNodes.length === 1 ? 'default' : String.fromCharCode(97 + index);
        if (variants.some((v) => v.id === id)) fail(idNode ?? variantNode, `${where}: variant "${id}" appears twice`);
        const weightNode = variantEntries.get('weight');
        const weight = isScalar(weightNode) ? Number(weightNode.value) : 1;
        if (!(weight > 0)) fail(weightNode, `${where}: weight must be a positive number`);
        const parts: Record<string, Part[]> = {};
        for (const part of CHANNEL_PARTS[channel]) {
          const node = variantEntries.get(part);
          if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') return fail(node ?? variantNode, `${where}: missing "${part}"`);
          parts[part] = compilePart(node as Scalar<string>, `${where}.${part}`, fields, lineAt, file);
        }
        variants.push({ id, weight, parts });
      });
      byLocale.set(locale, variants);
    }
    if (!byLocale.has(fallbackLocale)) fail(localesNode, `${channel}: no ${fallbackLocale} copy (the fallback locale)`);
    channels.set(channel, byLocale);
  }
  if (channels.size === 0) fail(channelsNode, 'no channel');
  return { type, file, fields, fieldNames: Object.keys(fields), channels };
}

function compilePart(node: Scalar<string>, where: string, fields: Record<string, FieldKind>, lineAt: (offset: number | undefined) => number, file: string): Part[] {
  const text = node.value;
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  const lineOf = (index: number) => lineAt(node.range?.[0]) + (block ? 1 : 0) + (text.slice(0, index).match(/\n/g)?.length ?? 0);
  let parts: Part[];
  try {
    parts = parseMessage(text);
  } catch (error) {
    if (error instanceof MessageSyntaxError) throw new TemplateError(file, lineOf(error.at), `${where}: ${error.message}`);
    throw error;
  }
  for (const { name, at } of placeholders(parts)) {
    if (!Object.hasOwn(fields, name)) {
      const known = Object.keys(fields);
      throw new TemplateError(file, lineOf(at), `${where} uses unknown placeholder {${name}} (fields: ${known.length > 0 ? known.join(', ') : 'none'})`);
    }
  }
  return parts;
}

/** The pairs of a mapping by key, failing on a key outside `allowed`. */
function pairsOf(map: YAMLMap, allowed: readonly string[] | undefined, fail: (node: Node | null | undefined, detail: string) => never, where?: string): Map<string, Node> {
  const pairs = new Map<string, Node>();
  for (const pair of map.items as Pair<Node, Node>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) fail(pair.key, 'expected a plain key');
    if (allowed !== undefined && !allowed.includes(key!)) fail(pair.key, `${where ? `${where}: ` : ''}unknown key "${key}" (known: ${allowed.join(', ')})`);
    pairs.set(key!, pair.value as Node);
  }
  return pairs;
}
