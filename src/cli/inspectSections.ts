// What `pushflow inspect user` prints is a list of sections: small functions from the context
// (the configuration and the LMDB a run left) and a user id to a titled piece of data, or
// undefined when they know nothing of that user. The list lives in inspectCommand.ts; a part of
// the system shows itself there by adding one line.

import type { PushflowConfig } from '../config/schema.js';
import type { StateStore } from '../../state/stateStore.js';

export interface InspectContext {
  readonly config: PushflowConfig;
  readonly state: StateStore;
  /** Event time the data is read as of: the committed watermark (or the latest event seen). */
  readonly asOf: number;
}

export interface InspectSectionResult {
  title: string;
  data: unknown;
  /** Lines for a terminal, when the section has its own layout; default: the data as YAML. */
  lines?: string[];
  /**
   * True when the section holds nothing learnt about this user (e.g. the popular items any
   * newcomer is recommended): a user with only such sections is reported as unknown.
   */
  generic?: boolean;
}

export type InspectSection = (
  context: InspectContext,
  userId: string,
) => InspectSectionResult | undefined | Promise<InspectSectionResult | undefined>;
