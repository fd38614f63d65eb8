// The recommender as the running process keeps it: in memory for speed (typed arrays), with its
// state in LMDB so that it survives a restart. Each learned interaction is appended to the
// interaction log, and the factor rows it changed (and those a background sweep changed since)
// are written behind, all inside the batch's transaction. Opening one replays the log into the
// fallbacks and the interaction matrix and loads the stored factors.

import type { BehaviorEvent } from '../events/types.js';
import type { StateStore } from '../../state/stateStore.js';
import { FactorStore } from '../../state/factorStore.js';
import { InteractionLog } from '../../state/interactionLog.js';
import { Recommender, type Interaction, type ModelName, type RecommendOptions } from './recommender.js';
import type { RecommendSettings } from './feedbackWeights.js';
import type { Recommendation } from './scoredItem.js';

export class LiveRecommender {
  readonly recommender: Recommender;
  private readonly log: InteractionLog;
  private readonly factors: FactorStore;

  private constructor(state: StateStore, settings: RecommendSettings) {
    this.recommender = new Recommender(settings);
    this.log = new InteractionLog(state);
    this.factors = new FactorStore(state);
  }

  /** Opens the recommender of a data directory: replays its log and loads its factors (reads only). */
  static open(state: StateStore, settings: RecommendSettings): LiveRecommender {
    const live = new LiveRecommender(state, settings);
    live.restore();
    return live;
  }

  private restore(): void {
    const { recommender, factors } = this;
    for (const interaction of this.log.replay()) recommender.learn(interaction, false);
    const { eals, users, items } = recommender;
    if (factors.factorCount() === eals.k) {
      for (const { id, row } of factors.all('user')) {
        const user = users.get(id);
        if (user >= 0) eals.setUserRow(user, row);
      }
      for (const { id, row } of factors.all('item')) {
        const item = items.get(id);
        if (item >= 0) eals.setItemRow(item, row);
      }
    }
    eals.recomputeCaches();
    // What was restored is what is stored: nothing to write back.
    eals.takeChangedUsers();
    eals.takeChangedItems();
  }

  /** Learns a behaviour event (ignoring those without item or feedback). Call inside the batch transaction. */
  learnEvent(event: BehaviorEvent, segmentId?: string): boolean {
    if (event.itemId === undefined) return false;
    const interaction: Interaction = { userId: event.userId, itemId: event.itemId, type: event.type, time: event.time };
    if (event.categoryId !== undefined) interaction.categoryId = event.categoryId;
    if (segmentId !== undefined) interaction.segmentId = segmentId;
    return this.learn(interaction);
  }

  /**
   * Learns an interaction online and logs it. Call inside the batch transaction, and
   * `writeChangedRows()` once at the batch's end: a user or item touched many times in a batch
   * is then written once.
   */
  learn(interaction: Interaction): boolean {
    if (!this.recommender.learn(interaction, true)) return false;
    this.log.append(interaction);
    return true;
  }

  /** Writes the factor rows changed since the last write (online updates, sweep chunks). */
  writeChangedRows(): void {
    const { eals, users, items } = this.recommender;
    const changedUsers = eals.takeChangedUsers();
    const changedItems = eals.takeChangedItems();
    if (changedUsers.length === 0 && changedItems.length === 0) return;
    this.factors.setFactorCount(eals.k);
    for (const user of changedUsers) this.factors.put('user', users.id(user), eals.userRow(user));
    for (const item of changedItems) this.factors.put('item', items.id(item), eals.itemRow(item));
  }

  recommend(userId: string, k: number, model: ModelName = 'hybrid', options: RecommendOptions = {}): Recommendation[] {
    return this.recommender.recommend(userId, k, model, options);
  }
}
