// Reads a Taobao UserBehavior or MovieLens ratings file into interactions sorted by event time
// (stable, so same-second rows keep their file order), through the same decoders as a replay:
// Taobao pv/cart/fav/buy become view/add_to_cart/favorite/purchase; a MovieLens rating of 4
// stars or more a favourite, below a view. Rows the decoder rejects are counted, not fatal.

import { recordDecoder } from '../events/decode.js';
import { lineBatches } from '../sources/lineBatches.js';
import type { Interaction } from './recommender.js';

export type InteractionFormat = 'taobao' | 'movielens';

export interface InteractionFile {
  interactions: Interaction[];
  rows: number;
  rejected: number;
}

export async function readInteractionFile(path: string, format: InteractionFormat): Promise<InteractionFile> {
  const decode = recordDecoder(format, { maxPayloadBytes: 65_536, maxFutureSkewMs: Infinity, minTime: 0 });
  const interactions: Interaction[] = [];
  let rows = 0;
  let rejected = 0;
  for await (const lines of lineBatches(path, 10_000)) {
    for (const { line, text } of lines) {
      if (text.length === 0 || (line === 0 && format === 'movielens' && text.startsWith('userId,'))) continue;
      rows++;
      const decoded = decode({ raw: text, offset: String(line) }, Date.now());
      if (!decoded.ok || decoded.event.kind !== 'behavior' || decoded.event.itemId === undefined) {
        rejected++;
        continue;
      }
      const { userId, itemId, categoryId, type, time } = decoded.event;
      interactions.push(categoryId === undefined ? { userId, itemId, type, time } : { userId, itemId, categoryId, type, time });
    }
  }
  // Array.prototype.sort is stable: equal times keep file order.
  interactions.sort((a, b) => a.time - b.time);
  return { interactions, rows, rejected };
}
