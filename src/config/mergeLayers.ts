// Deep-merges config layers (defaults file, user file, environment, overrides) in order, and
// remembers which layer set each key, so a validation error can name the file or the
// environment variable the bad value came from. Objects merge key by key; anything else,
// arrays included, replaces what an earlier layer had.

/** Where a value came from, as shown in errors: a file path, an env var, or the overrides. */
export interface ValueOrigin {
  /** e.g. `./my.yaml`, `environment variable PUSHFLOW_METRICS__PORT`, `overrides`. */
  label: string;
  /** Position of the layer in the merge: a higher rank was applied later and won. */
  rank: number;
}

export interface ConfigLayer {
  values: Record<string, unknown>;
  /** The label of the value at a path of this layer (env layers differ per variable). */
  labelOf(path: readonly string[]): string;
}

export interface MergedLayers {
  values: Record<string, unknown>;
  /** The layer that set the value at this path, or at its nearest set ancestor. */
  originAt(path: readonly PropertyKey[]): ValueOrigin | undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mergeLayers(layers: readonly ConfigLayer[]): MergedLayers {
  const values: Record<string, unknown> = {};
  const origins = new Map<string, ValueOrigin>();

  const forgetBelow = (dotted: string): void => {
    for (const key of origins.keys()) if (key.startsWith(dotted + '.')) origins.delete(key);
  };

  const mergeInto = (target: Record<string, unknown>, source: Record<string, unknown>, path: string[], layer: ConfigLayer, rank: number): void => {
    for (const [key, value] of Object.entries(source)) {
      const childPath = [...path, key];
      const dotted = childPath.join('.');
      origins.set(dotted, { label: layer.labelOf(childPath), rank });
      if (isPlainObject(value)) {
        if (!isPlainObject(target[key])) {
          target[key] = {};
          forgetBelow(dotted);
        }
        mergeInto(target[key] as Record<string, unknown>, value, childPath, layer, rank);
      } else {
        target[key] = value;
        forgetBelow(dotted);
      }
    }
  };

  layers.forEach((layer, rank) => mergeInto(values, layer.values, [], layer, rank));

  return {
    values,
    originAt(path) {
      for (let length = path.length; length > 0; length--) {
        const origin = origins.get(path.slice(0, length).map(String).join('.'));
        if (origin) return origin;
      }
      return undefined;
    },
  };
}
