/**
 * A logger's or dosimeter's CSV export as readings of one factor, in its canonical unit, with an account
 * of what was read: which columns, which delimiter, which unit, which lines were skipped and why.
 */
import { FACTORS, type FactorId } from '../factors.ts'
import { acceptedUnits, converterTo, unitSymbol } from '../units.ts'
import { type Columns, findColumns, HeaderError } from './columns.ts'
import {
  type CsvRecord,
  type Delimiter,
  describeDelimiter,
  detectDelimiter,
  LogFormatError,
  parseCsv,
  shown,
} from './csv.ts'
import { formatUtcOffset, parseDateAndTime, parseTimestamp, TIME_FORMATS } from './times.ts'

export interface LogOptions {
  readonly factor: FactorId
  /** The unit the values are in; default: the one the value column's header names, else the canonical. */
  readonly unit?: string
  /** Minutes east of UTC for times written without an offset. */
  readonly utcOffsetMinutes: number
  readonly timeColumn?: string
  readonly valueColumn?: string
}

export interface SkippedLine {
  readonly line: number
  readonly reason: 'blank'
}

/** What the log was read as, for the user to check against the file. */
export interface LogRead {
  /** The time column's header, or "Date + Time" when two columns were combined. */
  readonly time: string
  readonly value: string
  readonly delimiter: Delimiter
  /** True when values such as `85,3` were read with a decimal comma (`;` and tab exports only). */
  readonly decimalComma: boolean
  /** The unit the values were read in, before conversion to the factor's. */
  readonly unit: string
  /** Data rows read. */
  readonly rows: number
  readonly skipped: readonly SkippedLine[]
  /** The offset local times (without one) were read at, when there were any. */
  readonly localTimesAt?: string
  /** Present when the file lists its readings newest first (as some loggers download them): read reversed. */
  readonly newestFirst?: true
}

export interface LogReadings {
  /**
   * Canonical unit, oldest first: in file order, or reversed when the file is newest first throughout;
   * values outside the factor's physical range left out.
   */
  readonly readings: { time: number; value: number }[]
  readonly outOfRange: number
  readonly read: LogRead
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/

export function readLog(text: string, options: LogOptions): LogReadings {
  const delimiter = detectDelimiter(text)
  const records = parseCsv(text, delimiter)
  const skipped: SkippedLine[] = []
  let start = 0
  while (start < records.length && isBlank(records[start]!))
    skipped.push({ line: records[start++]!.line, reason: 'blank' })
  const header = records[start]
  if (header === undefined) throw new LogFormatError(undefined, 'the file is empty')
  let columns: Columns
  try {
    columns = findColumns(header.fields, options)
  } catch (err) {
    if (err instanceof HeaderError) throw new LogFormatError(header.line, err.message)
    throw err
  }
  const { unit, convert } = valueUnit(columns, options, header.line)
  const localOffset = columns.timeHeaderOffset ?? options.utcOffsetMinutes
  const { min, max } = FACTORS[options.factor]
  const readings: { time: number; value: number }[] = []
  let outOfRange = 0
  let rows = 0
  let decimalComma = false
  let local = false

  for (const record of records.slice(start + 1)) {
    if (isBlank(record)) {
      skipped.push({ line: record.line, reason: 'blank' })
      continue
    }
    if (record.fields.length !== header.fields.length) {
      throw new LogFormatError(record.line, fieldCountMessage(record, header, delimiter))
    }
    const time = readTime(record, columns, localOffset)
    local ||= time.local
    const raw = record.fields[columns.value]!.trim()
    const comma = delimiter !== ',' && DECIMAL_COMMA.test(raw)
    decimalComma ||= comma
    const text = comma ? raw.replace(',', '.') : raw
    if (!NUMBER.test(text)) {
      throw new LogFormatError(
        record.line,
        raw === '' ? 'no value' : `${shown(raw)} is not a number`,
        columns.valueHeader,
      )
    }
    rows++
    const value = convert(Number(text))
    // Outside the physical range it is a sensor fault, not exposure: ingest rejects it the same way.
    if (value < min || value > max) outOfRange++
    else readings.push({ time: time.time, value })
  }
  if (rows === 0) throw new LogFormatError(undefined, 'the file has a header but no readings')
  // Only a file newest first throughout is reversed: in any other order an older reading is out of order,
  // as it is live (a logger's clock set back), and counted so by the evaluator.
  const newestFirst = isNewestFirst(readings)
  if (newestFirst) readings.reverse()
  return {
    readings,
    outOfRange,
    read: {
      time: columns.timeHeader,
      value: columns.valueHeader,
      delimiter,
      decimalComma,
      unit,
      rows,
      skipped,
      ...(local ? { localTimesAt: formatUtcOffset(localOffset) } : {}),
      ...(newestFirst ? { newestFirst: true as const } : {}),
    },
  }
}

function isNewestFirst(readings: readonly { time: number }[]): boolean {
  if (readings.length < 2 || readings[0]!.time <= readings.at(-1)!.time) return false
  return readings.every((reading, index) => index === 0 || reading.time <= readings[index - 1]!.time)
}

function isBlank(record: CsvRecord): boolean {
  return record.fields.every((field) => field.trim() === '')
}

function fieldCountMessage(record: CsvRecord, header: CsvRecord, delimiter: Delimiter): string {
  const counts = `${record.fields.length} fields where the header has ${header.fields.length} (${describeDelimiter(delimiter)}-separated)`
  return delimiter === ',' && record.fields.length > header.fields.length
    ? `${counts}; a decimal comma in a comma-separated file? Quote such values or export with ";"`
    : counts
}

function readTime(record: CsvRecord, columns: Columns, localOffset: number) {
  const where = columns.time
  const parsed =
    where.kind === 'single'
      ? parseTimestamp(record.fields[where.index]!, localOffset)
      : parseDateAndTime(record.fields[where.date]!, record.fields[where.time]!, localOffset)
  if (parsed !== undefined) return parsed
  const written =
    where.kind === 'single'
      ? record.fields[where.index]!.trim()
      : `${record.fields[where.date]!.trim()} ${record.fields[where.time]!.trim()}`
  throw new LogFormatError(
    record.line,
    `${shown(written)} is not a time; expected ${TIME_FORMATS}`,
    columns.timeHeader,
  )
}

/** The unit the values are in, from --unit or the header, and the conversion to the factor's unit. */
function valueUnit(columns: Columns, options: LogOptions, headerLine: number) {
  const { factor } = options
  const fromHeader = columns.valueHeaderUnit
  const accepted = acceptedUnits(factor).join(', ')
  if (options.unit !== undefined) {
    const headerSymbol = fromHeader === undefined ? undefined : unitSymbol(fromHeader)
    const given = unitSymbol(options.unit) ?? options.unit
    if (headerSymbol !== undefined && headerSymbol !== given) {
      throw new LogFormatError(
        headerLine,
        `the column says ${fromHeader}, --unit says ${options.unit}; give the unit the values are in`,
        columns.valueHeader,
      )
    }
    const convert = converterTo(factor, options.unit)
    if (convert === undefined)
      throw new LogFormatError(
        undefined,
        `${factor} cannot be given in ${options.unit}; use one of ${accepted}`,
      )
    return { unit: given, convert }
  }
  const unit = fromHeader ?? FACTORS[factor].unit
  const convert = converterTo(factor, unit)
  if (convert === undefined) {
    throw new LogFormatError(
      headerLine,
      `the values are in ${unit}, which ${factor} cannot be given in; give --unit (one of ${accepted}) if the header is wrong`,
      columns.valueHeader,
    )
  }
  return { unit: unitSymbol(unit) ?? unit, convert }
}
