/**
 * Reporting periods: a calendar year (`2025`), half-year (`2025-H1`: the six-monthly occupational-health
 * report), quarter (`2025-Q3`) or month (`2025-07`), in Vietnam's time
 * (UTC+07:00, no daylight saving), so a national report has one set of boundaries whatever the facility.
 */
export const REPORT_UTC_OFFSET_MINUTES = 420

export const PERIOD_KINDS = ['year', 'half', 'quarter', 'month'] as const
export type PeriodKind = (typeof PERIOD_KINDS)[number]

export interface Period {
  /** As written: `2025`, `2025-H1`, `2025-Q3`, `2025-07`. */
  label: string
  kind: PeriodKind
  year: number
  /** Half 1–2, quarter 1–4 or month 1–12; 1 for a year. */
  index: number
  /** Length in months: 12, 6, 3 or 1. */
  months: number
  /** Epoch ms, inclusive: local midnight of the first day. */
  start: number
  /** Epoch ms, exclusive: local midnight after the last day. */
  end: number
}

export const MIN_YEAR = 2000
export const MAX_YEAR = 2100

const PERIOD_PATTERN = /^(\d{4})(?:-(?:H([12])|Q([1-4])|(0[1-9]|1[0-2])))?$/
const MONTHS = { year: 12, half: 6, quarter: 3, month: 1 } as const

/** A period that is not written as a year, quarter or month, or lies outside 2000–2100. */
export class PeriodError extends RangeError {
  override name = 'PeriodError'
}

function build(kind: PeriodKind, year: number, index: number): Period {
  const months = MONTHS[kind]
  const firstMonth = (index - 1) * months
  const offsetMs = REPORT_UTC_OFFSET_MINUTES * 60_000
  const label =
    kind === 'year'
      ? String(year)
      : kind === 'half'
        ? `${year}-H${index}`
        : kind === 'quarter'
          ? `${year}-Q${index}`
          : `${year}-${String(index).padStart(2, '0')}`
  return {
    label,
    kind,
    year,
    index,
    months,
    start: Date.UTC(year, firstMonth, 1) - offsetMs,
    end: Date.UTC(year, firstMonth + months, 1) - offsetMs,
  }
}

/**
 * Reads a period; throws PeriodError with what was expected.
 *
 * @example
 * parsePeriod('2025-Q3').start === Date.parse('2025-07-01T00:00:00+07:00') // true
 */
export function parsePeriod(text: string): Period {
  const match = PERIOD_PATTERN.exec(text.trim())
  if (match === null) {
    throw new PeriodError(
      `period "${text}" is not a year (2025), a half-year (2025-H1, 2025-H2), a quarter (2025-Q1 to 2025-Q4) or a month (2025-01 to 2025-12)`,
    )
  }
  const year = Number(match[1])
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new PeriodError(`period "${text}": the year must be from ${MIN_YEAR} to ${MAX_YEAR}`)
  }
  if (match[2] !== undefined) return build('half', year, Number(match[2]))
  if (match[3] !== undefined) return build('quarter', year, Number(match[3]))
  if (match[4] !== undefined) return build('month', year, Number(match[4]))
  return build('year', year, 1)
}

/** The period of the same kind just before: 2024 for 2025, 2024-H2 for 2025-H1, 2025-Q2 for 2025-Q3, 2024-12 for 2025-01. */
export function previousPeriod(period: Period): Period {
  const perYear = 12 / period.months
  return period.index > 1
    ? build(period.kind, period.year, period.index - 1)
    : build(period.kind, period.year - 1, perYear)
}

/**
 * The part of a period a report can judge at `asOf`: all of it once it is over, otherwise up to the last
 * full hour. Undefined before the period starts.
 */
export function judgedWindow(period: Period, asOf: number): { from: number; to: number } | undefined {
  const to = Math.min(period.end, Math.floor(asOf / 3_600_000) * 3_600_000)
  return to > period.start ? { from: period.start, to } : undefined
}
