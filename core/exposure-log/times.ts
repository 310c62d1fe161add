/**
 * Timestamps as loggers write them: ISO 8601 date and time (`T` or a space between them) with an offset,
 * or without one in the log's local time; or epoch milliseconds. Anything else (23/11/2026 is the 23rd of
 * November in Hanoi and nonsense in Houston) is refused rather than guessed.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const ISO_TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ]\s*(.+)$/i
const OFFSET = /^(?:Z|([+-])(\d{2}):?(\d{2})?)$/i
/** Epoch ms from 1973 on: a smaller integer is more likely epoch seconds, which is refused. */
const MIN_EPOCH_MS = 1e11
const MAX_EPOCH_MS = 8.64e15

export const TIME_FORMATS =
  'ISO 8601 (2026-11-23T08:00:00+07:00, 2026-11-23 08:00:00 in local time) or epoch milliseconds'

/** Minutes east of UTC of an offset written `+07:00`, `+0700`, `+07`, `-03:30` or `Z`; undefined if not one. */
export function parseUtcOffset(text: string): number | undefined {
  const match = OFFSET.exec(text.trim())
  if (match === null) return undefined
  if (match[1] === undefined) return 0
  const hours = Number(match[2])
  const minutes = Number(match[3] ?? '0')
  if (hours > 14 || minutes > 59) return undefined
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes)
}

export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const absolute = Math.abs(minutes)
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`
}

export interface ParsedTime {
  readonly time: number
  /** True when the text had no offset and was read in the local offset. */
  readonly local: boolean
}

/** A timestamp in one field; local times (no offset) are read at `localOffsetMinutes` east of UTC. */
export function parseTimestamp(text: string, localOffsetMinutes: number): ParsedTime | undefined {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) {
    const ms = Number(trimmed)
    return ms >= MIN_EPOCH_MS && ms <= MAX_EPOCH_MS ? { time: ms, local: false } : undefined
  }
  const match = ISO_DATE_TIME.exec(trimmed)
  return match === null ? undefined : parseDateAndTime(match[1]!, match[2]!, localOffsetMinutes)
}

/** A date (`2026-11-23`) and a time of day (`08:00`, `08:00:30.5`, `08:00:00+07:00`) from two fields. */
export function parseDateAndTime(
  dateText: string,
  timeText: string,
  localOffsetMinutes: number,
): ParsedTime | undefined {
  const date = ISO_DATE.exec(dateText.trim())
  const time = ISO_TIME.exec(timeText.trim())
  if (date === null || time === null) return undefined
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])]
  const [hour, minute, second] = [Number(time[1]), Number(time[2]), Number(time[3] ?? '0')]
  const fraction = time[4] === undefined ? 0 : Math.round(Number(`0.${time[4]}`) * 1000)
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const offset = time[5] === undefined ? localOffsetMinutes : parseUtcOffset(time[5])
  if (offset === undefined) return undefined
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) + fraction - offset * 60_000
  return { time: utc, local: time[5] === undefined }
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}
