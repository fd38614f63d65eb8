// What a policy rule notes about a decision, for `pushflow inspect user`. Every decision notes
// about eight of these, and they are read only when someone inspects the user: a note is a fixed
// text, or a template with its values, turned into text when read. Formatting them on the hot path
// (ISO times, fixed decimals, joins) was about a tenth of the decide bench's time.
//
// Placeholders, each taking the next value in turn:
//   {t}           an event time in ms, as an ISO-8601 instant
//   {1} ... {9}   a number with that many decimals
//   {}            a string or number, as it is

/** A fixed note, or `[template, ...values]`. */
export type Reason = string | TemplatedReason;
export type TemplatedReason = readonly [template: string, ...values: ReadonlyArray<number | string>];

const PLACEHOLDER = /\{(t|[1-9]|)\}/g;

function formatValue(kind: string, value: number | string | undefined): string {
  if (value === undefined) return '?';
  if (kind === '') return String(value);
  if (typeof value !== 'number') return String(value);
  if (kind === 't') return Number.isFinite(value) ? new Date(value).toISOString() : String(value);
  return value.toFixed(Number(kind));
}

/**
 * @example
 * reasonText(['send_time: held to {t} (score {4})', Date.parse('2026-11-03T12:00:00Z'), 0.25]);
 * // 'send_time: held to 2026-11-03T12:00:00.000Z (score 0.2500)'
 */
export function reasonText(reason: Reason): string {
  if (typeof reason === 'string') return reason;
  const template = reason[0];
  let next = 1;
  return template.replace(PLACEHOLDER, (_, kind: string) => formatValue(kind, reason[next++]));
}

export function reasonTexts(reasons: readonly Reason[]): string[] {
  return reasons.map(reasonText);
}
