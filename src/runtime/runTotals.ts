// What a batch did, and the running totals of a run: the numbers `replay --json` reports and
// the metrics are made from.

import type { Notification } from '../sinks/sink.js';

export interface BatchSummary {
  events: number;
  valid: number;
  invalid: number;
  deadLettered: number;
  duplicates: number;
  late: number;
  candidates: number;
  byType: Map<string, number>;
  invalidByField: Map<string, number>;
  suppressed: Map<string, number>;
  notifications: Notification[];
}

function addCounts(into: Map<string, number>, from: Map<string, number>): void {
  for (const [key, count] of from) into.set(key, (into.get(key) ?? 0) + count);
}

export class RunTotals {
  events = 0;
  valid = 0;
  invalid = 0;
  deadLettered = 0;
  duplicates = 0;
  late = 0;
  candidates = 0;
  readonly byType = new Map<string, number>();
  readonly invalidByField = new Map<string, number>();
  readonly suppressed = new Map<string, number>();
  readonly notificationsByType = new Map<string, number>();

  static emptySummary(): BatchSummary {
    return {
      events: 0,
      valid: 0,
      invalid: 0,
      deadLettered: 0,
      duplicates: 0,
      late: 0,
      candidates: 0,
      byType: new Map(),
      invalidByField: new Map(),
      suppressed: new Map(),
      notifications: [],
    };
  }

  add(summary: BatchSummary): void {
    this.events += summary.events;
    this.valid += summary.valid;
    this.invalid += summary.invalid;
    this.deadLettered += summary.deadLettered;
    this.duplicates += summary.duplicates;
    this.late += summary.late;
    this.candidates += summary.candidates;
    addCounts(this.byType, summary.byType);
    addCounts(this.invalidByField, summary.invalidByField);
    addCounts(this.suppressed, summary.suppressed);
    for (const notification of summary.notifications) {
      this.notificationsByType.set(notification.type, (this.notificationsByType.get(notification.type) ?? 0) + 1);
    }
  }

  toJSON(): Record<string, unknown> {
    return {
      events: this.events,
      valid: this.valid,
      invalid: this.invalid,
      deadLettered: this.deadLettered,
      duplicates: this.duplicates,
      late: this.late,
      candidates: this.candidates,
      eventsByType: Object.fromEntries(this.byType),
      invalidByField: Object.fromEntries(this.invalidByField),
      suppressed: Object.fromEntries(this.suppressed),
      notifications: Object.fromEntries(this.notificationsByType),
    };
  }
}
