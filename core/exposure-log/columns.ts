/**
 * Which columns of a logger's header hold the time and the value. Names are matched trimmed and in any
 * case; a value column may carry its unit (`CO (ppm)`, `LAeq [dBA]`, `LAeq dB(A)`, or just `mg/m3`), and
 * a time column its zone (`Time (UTC)`, `Date Time (UTC+7)`).
 */
import type { FactorId } from '../factors.ts'
import { unitSymbol } from '../units.ts'
import { shown } from './csv.ts'
import { parseUtcOffset } from './times.ts'

/** Names of a column with the date and time in one field, normalised (lower case, `_` `-` `/` as spaces). */
export const TIME_NAMES = ['time', 'timestamp', 'time stamp', 'datetime', 'date time', 'date & time', 'ts']
/** Names of a value column whatever the factor. */
export const VALUE_NAMES = ['value', 'level', 'reading', 'concentration', 'measurement', 'result']

/** Names that say the column is this factor (besides its id, e.g. `gas.co`). */
const FACTOR_NAMES: Record<FactorId, readonly string[]> = {
  noise: ['noise', 'laeq', 'leq', 'lavg', 'la', 'spl', 'sound level', 'sound pressure level'],
  'dust.total': ['total dust', 'dust'],
  'dust.respirable': ['respirable dust', 'respirable'],
  'gas.co': ['co', 'carbon monoxide'],
  'gas.h2s': ['h2s', 'hydrogen sulfide', 'hydrogen sulphide'],
  'gas.nh3': ['nh3', 'ammonia'],
  'gas.so2': ['so2', 'sulfur dioxide', 'sulphur dioxide'],
  'gas.no2': ['no2', 'nitrogen dioxide'],
  'gas.cl2': ['cl2', 'chlorine'],
  'gas.co2': ['co2', 'carbon dioxide'],
  'gas.o2': ['o2', 'oxygen'],
  'gas.lel': ['lel', 'flammable gas', 'ex'],
  temperature: ['temperature', 'temp', 'air temperature'],
  humidity: ['humidity', 'relative humidity'],
  wbgt: ['wbgt'],
}

export function factorNames(factor: FactorId): readonly string[] {
  return [...new Set([factor, ...FACTOR_NAMES[factor]])]
}

/** Where a reading's time is: one column, or a date column and a time-of-day column. */
export type TimeColumns =
  | { readonly kind: 'single'; readonly index: number }
  | { readonly kind: 'date-and-time'; readonly date: number; readonly time: number }

export interface Columns {
  readonly time: TimeColumns
  /** The header as written, e.g. "Date Time" or "Date + Time". */
  readonly timeHeader: string
  /** Minutes east of UTC the time column's header names (`Time (UTC)`), if it names one. */
  readonly timeHeaderOffset?: number
  readonly value: number
  readonly valueHeader: string
  /** The unit the value column's header names, as written, if it names one. */
  readonly valueHeaderUnit?: string
}

export interface ColumnChoice {
  readonly factor: FactorId
  /** Header of the time column, overriding the names above. */
  readonly timeColumn?: string
  readonly valueColumn?: string
}

/** Thrown when the header has no time or value column, or several; the message lists what it has. */
export class HeaderError extends Error {}

export function findColumns(header: readonly string[], choice: ColumnChoice): Columns {
  const names = header.map(normalise)
  const listed = header.map((name) => `${shown(name.trim())}`).join(', ')
  return { ...findTime(header, names, choice, listed), ...findValue(header, names, choice, listed) }
}

function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, ' ')
}

function timeName(name: string): { base: string; offset?: number } {
  const spaced = (text: string) =>
    text
      .replace(/[_\-/]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  const zone = /^(.+?)\s*[([]\s*(utc|gmt|z)\s*([+-]\d{1,2}(?::?\d{2})?)?\s*[)\]]$/.exec(name)
  if (zone === null) return { base: spaced(name) }
  const offset = zone[3] === undefined ? 0 : parseUtcOffset(pad(zone[3]))
  return offset === undefined ? { base: spaced(name) } : { base: spaced(zone[1]!), offset }
}

/** `+7` as `+07`, for parseUtcOffset. */
function pad(offset: string): string {
  return /^[+-]\d(?!\d)/.test(offset) ? `${offset[0]}0${offset.slice(1)}` : offset
}

function findTime(header: readonly string[], names: readonly string[], choice: ColumnChoice, listed: string) {
  if (choice.timeColumn !== undefined) {
    const index = names.indexOf(normalise(choice.timeColumn))
    if (index < 0)
      throw new HeaderError(`no column ${shown(choice.timeColumn)} (--time-column); the header has ${listed}`)
    return { time: { kind: 'single', index } as const, timeHeader: header[index]!.trim() }
  }
  const parsed = names.map(timeName)
  const single = parsed.flatMap((name, index) => (TIME_NAMES.includes(name.base) ? [index] : []))
  const date = parsed.findIndex((name) => name.base === 'date')
  const timeOfDay = parsed.findIndex((name) => name.base === 'time')
  if (date >= 0 && timeOfDay >= 0 && single.length === 1 && single[0] === timeOfDay) {
    const offset = parsed[timeOfDay]!.offset ?? parsed[date]!.offset
    return {
      time: { kind: 'date-and-time', date, time: timeOfDay } as const,
      timeHeader: `${header[date]!.trim()} + ${header[timeOfDay]!.trim()}`,
      ...(offset === undefined ? {} : { timeHeaderOffset: offset }),
    }
  }
  // A lone "Date" column holds the date and the time ("Date: 2026-11-23 08:00:00").
  if (single.length === 0 && date >= 0) single.push(date)
  if (single.length === 1) {
    const index = single[0]!
    const offset = parsed[index]!.offset
    return {
      time: { kind: 'single', index } as const,
      timeHeader: header[index]!.trim(),
      ...(offset === undefined ? {} : { timeHeaderOffset: offset }),
    }
  }
  if (single.length > 1) {
    const found = single.map((index) => `${shown(header[index]!.trim())}`).join(', ')
    throw new HeaderError(`several time columns (${found}); choose one with --time-column`)
  }
  throw new HeaderError(
    `no time column: expected one named ${TIME_NAMES.join(', ')}, or "date" and "time"; the header has ${listed}`,
  )
}

/** The name a value column goes by (lower case) and the unit it names, as written. */
function valueName(header: string): { base: string; unit?: string } {
  const name = header.trim().replace(/\s+/g, ' ')
  if (unitSymbol(name) !== undefined) return { base: '', unit: name }
  const bracketed = /^(.+?)\s*\((.+)\)$/.exec(name) ?? /^(.+?)\s*\[(.+)\]$/.exec(name)
  const inBrackets =
    bracketed === null ? undefined : { base: bracketed[1]!.toLowerCase(), unit: bracketed[2]!.trim() }
  if (inBrackets !== undefined && unitSymbol(inBrackets.unit) !== undefined) return inBrackets
  const spaced = /^(.+?) (\S+)$/.exec(name)
  if (spaced !== null && unitSymbol(spaced[2]!) !== undefined)
    return { base: spaced[1]!.toLowerCase(), unit: spaced[2]! }
  // A unit in brackets is taken as written, known or not: "LAeq (dB)" must not pass as "LAeq" in dBA unasked.
  return inBrackets ?? { base: name.toLowerCase() }
}

function findValue(
  header: readonly string[],
  names: readonly string[],
  choice: ColumnChoice,
  listed: string,
) {
  const parsed = header.map(valueName)
  const describe = (index: number) => {
    const unit = parsed[index]!.unit
    return {
      value: index,
      valueHeader: header[index]!.trim(),
      ...(unit === undefined ? {} : { valueHeaderUnit: unit }),
    }
  }
  if (choice.valueColumn !== undefined) {
    const index = names.indexOf(normalise(choice.valueColumn))
    if (index < 0)
      throw new HeaderError(
        `no column ${shown(choice.valueColumn)} (--value-column); the header has ${listed}`,
      )
    return describe(index)
  }
  const own = factorNames(choice.factor)
  // A column named for this factor wins over a generic one: a multi-gas export has "CO (ppm)" beside "Value";
  // a column named for another factor ("H2S (ppm)") is never read as this one.
  const tiers = [
    (base: string) => own.includes(base),
    (base: string) => base === '' || VALUE_NAMES.includes(base),
  ]
  for (const inTier of tiers) {
    const matches = parsed.flatMap((name, index) => (inTier(name.base) ? [index] : []))
    if (matches.length === 1) return describe(matches[0]!)
    if (matches.length > 1) {
      const found = matches.map((index) => `${shown(header[index]!.trim())}`).join(', ')
      throw new HeaderError(`several value columns (${found}); choose one with --value-column`)
    }
  }
  throw new HeaderError(
    `no value column for ${choice.factor}: expected one named ${[...VALUE_NAMES, ...own].join(', ')} (with or without a unit) or a unit (ppm, mg/m3, dBA…); the header has ${listed}`,
  )
}
