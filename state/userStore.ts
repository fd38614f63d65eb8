// Each user's settings (locale, time zone, contact channels, consent), merged from user events;
// decisions and templates read them.

import type { Database } from 'lmdb';
import type { Consent, ContactChannels, UserEvent } from '../src/events/types.js';
import type { StateStore } from './stateStore.js';

export interface UserSettings {
  userId: string;
  locale?: string;
  timeZone?: string;
  channels: ContactChannels;
  consent: Consent;
  updatedAt: number;
}

export class UserStore {
  private readonly db: Database<UserSettings, string>;

  constructor(store: StateStore) {
    this.db = store.database<string, UserSettings>('users');
  }

  get(userId: string): UserSettings | undefined {
    return this.db.get(userId);
  }

  apply(event: UserEvent): UserSettings {
    const before = this.db.get(event.userId);
    const after: UserSettings = {
      userId: event.userId,
      locale: event.locale ?? before?.locale,
      timeZone: event.timeZone ?? before?.timeZone,
      channels: { ...before?.channels, ...event.channels },
      consent: { ...before?.consent, ...event.consent },
      updatedAt: event.time,
    };
    this.db.putSync(event.userId, after);
    return after;
  }
}
