// Who each segment campaign reached: per campaign and user, whether the user got the message
// (treatment) or was held out for measurement, so a user is assigned once per campaign across
// restarts and replays; and which campaigns have started, so their start fires once.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

export type CampaignGroup = 'treatment' | 'holdout';

const SEPARATOR = '\x1f';
const AFTER_SEPARATOR = '\x20';
const STARTED = '\x00started';

export class CampaignAudience {
  private readonly db: Database<CampaignGroup | number, string>;

  constructor(store: StateStore) {
    this.db = store.database<string, CampaignGroup | number>('campaign:audience');
  }

  groupOf(campaignId: string, userId: string): CampaignGroup | undefined {
    return this.db.get(campaignId + SEPARATOR + userId) as CampaignGroup | undefined;
  }

  /** Call inside the batch transaction. */
  assign(campaignId: string, userId: string, group: CampaignGroup): void {
    this.db.putSync(campaignId + SEPARATOR + userId, group);
  }

  hasStarted(campaignId: string): boolean {
    return this.db.doesExist(campaignId + SEPARATOR + STARTED);
  }

  markStarted(campaignId: string, time: number): void {
    this.db.putSync(campaignId + SEPARATOR + STARTED, time);
  }

  /** Users per group of a campaign (for reports and tests). */
  counts(campaignId: string): Record<CampaignGroup, number> {
    const counts: Record<CampaignGroup, number> = { treatment: 0, holdout: 0 };
    const prefix = campaignId + SEPARATOR;
    for (const { key, value } of this.db.getRange({ start: prefix, end: campaignId + AFTER_SEPARATOR })) {
      if (key === prefix + STARTED) continue;
      counts[value as CampaignGroup]++;
    }
    return counts;
  }
}
