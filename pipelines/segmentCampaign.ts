// Segment campaigns, defined by an operator in config (`triggers.segmentCampaign.campaigns`):
// at startAt (event time, or wall-clock time with `clock: processing`) every user active in the
// audienceLookbackDays before is considered, then, until endAt, every user at their first
// activity. A user in the target segments (if any) who passes the filter is assigned once per
// campaign: a deterministic holdoutShare is held out (recorded, not sent), the rest get the
// campaign's content in their locale.

import { merge, tap } from 'rxjs';
import type { PushflowConfig } from '../src/config/schema.js';
import { definePipeline, type NotificationCandidate, type PipelineContext } from '../src/runtime/pipeline.js';
import { ActivityLog, dayOf } from '../state/activityLog.js';
import { CampaignAudience } from '../state/campaignAudience.js';
import type { Timer } from '../state/timerStore.js';
import { ofKind } from '../operators/ofKind.js';
import { fanOut } from '../operators/fanOut.js';
import { dueTimers } from '../operators/dueTimers.js';
import { dueByClock } from '../operators/dueByClock.js';
import { triggerPorts, type TriggerPorts } from './ports.js';
import { activityRetentionDays } from './shopperActivity.js';
import { unitDraw } from '../src/hash/fnv1a.js';

type CampaignConfig = PushflowConfig['triggers']['segmentCampaign']['campaigns'][number];
interface Campaign extends CampaignConfig {
  start: number;
  end: number;
}

export const segmentCampaign = definePipeline({
  name: 'segment_campaign',
  enabled: (config) => config.triggers.segmentCampaign.enabled && config.triggers.segmentCampaign.campaigns.length > 0,
  build(events$, context) {
    const { config, state, timers, watermark$, clock, metrics } = context;
    const campaigns: Campaign[] = config.triggers.segmentCampaign.campaigns.map((c) => ({ ...c, start: Date.parse(c.startAt), end: Date.parse(c.endAt) }));
    const audience = new CampaignAudience(state);
    const activity = ActivityLog.of(state, activityRetentionDays(config));
    const starts = { event: timers<string>('campaign-starts:event'), processing: timers<string>('campaign-starts:processing') };
    const eligible = eligibility(context, triggerPorts(context));
    /** Users already considered per open campaign in this process (the audience store is the durable record). */
    const considered = new Map<string, Set<string>>();
    let watermark = -Infinity;
    const now = (campaign: Campaign, eventTime: number) => (campaign.clock === 'event' ? eventTime : clock.now());

    const consider = (campaign: Campaign, userId: string, time: number): NotificationCandidate[] => {
      if (audience.groupOf(campaign.id, userId) !== undefined || !eligible(campaign, userId)) return [];
      const group = holdoutDraw(campaign.id, userId) < campaign.holdoutShare ? 'holdout' : 'treatment';
      audience.assign(campaign.id, userId, group);
      metrics?.campaignAudience.inc({ campaign: campaign.id, group });
      if (group === 'holdout') return [];
      const candidate: NotificationCandidate = {
        type: 'segment_campaign',
        priority: 'marketing',
        userId,
        dedupeKey: `segment_campaign:${campaign.id}:${userId}`,
        time,
        payload: { campaignId: campaign.id, content: campaign.content, itemId: campaign.itemId },
      };
      if (campaign.channel !== undefined) candidate.channel = campaign.channel;
      return [candidate];
    };

    // Each campaign's start is armed once per graph, at the first occasion (inside a batch transaction).
    let armed = false;
    const arm = () => {
      if (armed) return;
      armed = true;
      for (const campaign of campaigns) {
        if (audience.hasStarted(campaign.id)) continue;
        starts[campaign.clock === 'event' ? 'processing' : 'event'].cancel(campaign.id);
        if (starts[campaign.clock].get(campaign.id)?.due !== campaign.start) starts[campaign.clock].set(campaign.id, campaign.start, campaign.id);
      }
    };
    const started$ = merge(
      watermark$.pipe(
        tap((time) => ((watermark = time), arm())),
        dueTimers(starts.event),
      ),
      merge(events$, watermark$).pipe(tap(arm), dueByClock(starts.processing, clock)),
    ).pipe(
      fanOut(({ payload: id, due }: Timer<string>) => {
        const campaign = campaigns.find((c) => c.id === id);
        if (campaign === undefined || audience.hasStarted(id)) return [];
        audience.markStarted(id, due);
        // Audiences and message times are in event time, whichever clock starts the campaign.
        const at = campaign.clock === 'event' || !Number.isFinite(watermark) ? due : watermark;
        if (now(campaign, at) >= campaign.end) return [];
        const today = dayOf(at);
        return [...activity.usersActiveBetween(today - campaign.audienceLookbackDays, today)].flatMap((userId) => consider(campaign, userId, at));
      }),
    );

    const during$ = events$.pipe(
      ofKind('behavior'),
      fanOut(({ userId, time }) => {
        const candidates: NotificationCandidate[] = [];
        for (const campaign of campaigns) {
          const current = now(campaign, time);
          if (current < campaign.start || current >= campaign.end) {
            considered.delete(campaign.id);
            continue;
          }
          let users = considered.get(campaign.id);
          if (users === undefined) considered.set(campaign.id, (users = new Set()));
          if (users.has(userId)) continue;
          users.add(userId);
          candidates.push(...consider(campaign, userId, time));
        }
        return candidates;
      }),
    );

    return merge(started$, during$);
  },
});

/** Whether a user is in a campaign's audience: target segments, then the filter. */
function eligibility(context: PipelineContext, ports: TriggerPorts) {
  const { users, config } = context;
  return (campaign: Campaign, userId: string): boolean => {
    if (campaign.segments.length > 0) {
      const segment = ports.userSegment(userId);
      if (segment === undefined || !campaign.segments.includes(segment)) return false;
    }
    const { locales, profile } = campaign.filter;
    if (locales.length > 0 && !locales.includes(users.get(userId)?.locale ?? config.defaults.locale)) return false;
    const wanted = Object.entries(profile);
    if (wanted.length === 0) return true;
    const attributes = ports.userProfile(userId);
    return attributes !== undefined && wanted.every(([name, expected]) => matches(attributes[name], expected));
  };
}

type Expected = CampaignConfig['filter']['profile'][string];

function matches(value: unknown, expected: Expected): boolean {
  if (Array.isArray(expected)) return expected.some((option) => option === value);
  if (typeof expected === 'object') {
    if (typeof value !== 'number') return false;
    return (expected.min === undefined || value >= expected.min) && (expected.max === undefined || value <= expected.max);
  }
  return value === expected;
}

/** A deterministic draw in [0, 1) per campaign and user (FNV-1a, then mixed), so holdouts replay identically. */
export function holdoutDraw(campaignId: string, userId: string): number {
  return unitDraw(`${campaignId}\x1f${userId}`);
}
