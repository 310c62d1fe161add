/**
 * `quantrac exposure`: a logger's or dosimeter's CSV export judged, shift by shift, by the same engine as
 * live readings. Prints one JSON object; exit 0, or 2 with a message on bad input (`--help`: the format).
 */
import { readFile } from 'node:fs/promises'
import { type Exceedance, evaluateSeries } from '../core/exposure/index.ts'
import { splitByShift } from '../core/exposure-log/by-shift.ts'
import { TIME_NAMES, VALUE_NAMES } from '../core/exposure-log/columns.ts'
import { LogFormatError } from '../core/exposure-log/csv.ts'
import { readLog } from '../core/exposure-log/log.ts'
import { formatUtcOffset, parseUtcOffset } from '../core/exposure-log/times.ts'
import { FACTOR_IDS, FACTORS, isFactorId } from '../core/factors.ts'
import { DEFAULT_PROFILE, isProfileId, PROFILE_IDS, resolveLimits, variantsOf } from '../core/limits/index.ts'
import { DEFAULT_SHIFT_PATTERN, isShiftStart, type ShiftPattern } from '../core/shifts.ts'
import { parseCommandLine } from './args.ts'
import { figuresOf } from './exposure-figures.ts'
import { logVerdicts, shiftVerdicts } from './exposure-verdicts.ts'

export interface ExposureIo {
  readFile(path: string): Promise<string>
  stdout(line: string): void
  stderr(line: string): void
}

const DEFAULT_SAMPLE_MINUTES = 5

const USAGE = `usage: quantrac exposure --factor <factor> [options] FILE.csv

Judges a logger's or dosimeter's CSV export against a limit profile, shift by shift, and prints JSON:
what it read (read), the figures of each shift (shifts[]) and a verdict on each figure (verdicts).

options:
  --factor <factor>        ${FACTOR_IDS.join(', ')}
  --profile <profile>      ${PROFILE_IDS.join(', ')} (default ${DEFAULT_PROFILE})
  --variant <workplace>    a profile's stricter workplace, e.g. --profile qcvn --variant office
  --unit <unit>            the unit of the values (default: the one the value column's header names,
                           else the factor's: ${FACTORS.noise.unit} for noise, ppm for gases…)
  --shifts <HH:MM,…>       local shift starts (default ${DEFAULT_SHIFT_PATTERN.starts.join(',')}); 07:30,19:30 for 12-h shifts
  --utc-offset <±HH:MM>    the facility's offset from UTC, for the shifts and for times written without
                           one (default ${formatUtcOffset(DEFAULT_SHIFT_PATTERN.utcOffsetMinutes)})
  --max-interval <minutes> the logger's sample interval: each value stands for at most this long after
                           its time, silence beyond it is unmeasured (default ${DEFAULT_SAMPLE_MINUTES})
  --hold                   each value stands until the next reading, however far: for loggers that log
                           on change only (not with --max-interval)
  --time-column <header>   the time column, when the header names are not recognised
  --value-column <header>  the value column, likewise
  -h, --help               this text

CSV (RFC 4180): a header line, then one reading a line. Fields may be quoted ("…", "" for a quote) and
hold the delimiter or line breaks; CRLF or LF; a UTF-8 BOM is ignored. The delimiter is whichever of
, ; or tab the header line has most of; in ; and tab files a decimal comma (85,3) is read as 85.3.
Blank lines are skipped; any other row that cannot be read stops the command (exit 2), naming its line.
Header names are matched trimmed and in any case:
  time   ${TIME_NAMES.join(', ')};
         or a "date" and a "time" column.
         ISO 8601 (2026-11-23T08:00:00+07:00, 2026-11-23 08:00:00), local times read at --utc-offset
         unless the header says "(UTC)"; or epoch milliseconds.
  value  ${VALUE_NAMES.join(', ')},
         the factor's name (noise: LAeq, Leq, Lavg…; gas.co: CO…), or a unit (dBA, ppm, mg/m3…); a unit in the header ("CO (mg/m3)") is the values' unit.

verdicts: for each figure that applies to the factor (twa, stel, ceiling, dose, lex8h, hourMean),
  exceeds            the limit is exceeded on what was measured alone
  within             enough of the shift was measured to say it is not
  insufficient-data  neither can be said from this log; reasons[] says why`

/** Thrown for anything the user can fix; the message is printed as is. */
class InputError extends Error {}

const OPTIONS = {
  profile: { type: 'string' },
  factor: { type: 'string' },
  unit: { type: 'string' },
  variant: { type: 'string' },
  shifts: { type: 'string' },
  'utc-offset': { type: 'string' },
  'max-interval': { type: 'string' },
  hold: { type: 'boolean' },
  'time-column': { type: 'string' },
  'value-column': { type: 'string' },
} as const

/** Runs the subcommand with the arguments after `exposure`; returns the exit code. */
export async function runExposure(argv: string[], io: ExposureIo): Promise<number> {
  const command = parseCommandLine('exposure', USAGE, argv, OPTIONS, io, { positionals: true })
  if (command.exitCode !== undefined) return command.exitCode
  try {
    io.stdout(
      JSON.stringify(await evaluateFile(parseArguments(command.values, command.positionals), io), null, 2),
    )
    return 0
  } catch (err) {
    if (!(err instanceof InputError || err instanceof LogFormatError)) throw err
    io.stderr(`quantrac exposure: ${err.message}`)
    return 2
  }
}

type Arguments = ReturnType<typeof parseArguments>

async function evaluateFile(args: Arguments, io: ExposureIo) {
  let text: string
  try {
    text = await io.readFile(args.file)
  } catch (err) {
    throw new InputError(`cannot read ${args.file}: ${(err as Error).message}`)
  }
  const { factor, profile, variant } = args
  const log = readLog(text, {
    factor,
    unit: args.unit,
    utcOffsetMinutes: args.shiftPattern.utcOffsetMinutes,
    timeColumn: args.timeColumn,
    valueColumn: args.valueColumn,
  })
  if (log.readings.length === 0) {
    throw new InputError(`every value is outside the range a ${factor} sensor can report: none to judge`)
  }
  const limits = resolveLimits(profile, factor, variant === undefined ? [] : [{ variant }])
  const times = log.readings.map((reading) => reading.time)
  // A loop, not Math.min(...times): a day of 1-s readings is more arguments than a call may take.
  let first = times[0]!
  let last = first
  for (const time of times) {
    if (time < first) first = time
    if (time > last) last = time
  }
  const spanMs = last - first
  // On change, a value stands however long the logger stays silent: the whole log is the longest it can.
  const maxSampleIntervalMs = args.hold ? Math.max(spanMs, 1) : args.maxIntervalMinutes * 60_000
  const shifts = splitByShift(log.readings, args.shiftPattern, maxSampleIntervalMs).map((shift) => {
    const shiftHours = (shift.end - shift.start) / 3_600_000
    const { summary, exceedances } = evaluateSeries(shift.readings, {
      factor,
      limits,
      shiftStart: shift.start,
      shiftHours,
      maxSampleIntervalMs,
    })
    return {
      start: new Date(shift.start).toISOString(),
      end: new Date(shift.end).toISOString(),
      hours: shiftHours,
      // The file's readings the shift counted: not the boundary points, nor duplicates and older ones.
      samples: shift.samples - summary.duplicates - summary.outOfOrder,
      ...figuresOf(summary, limits),
      verdicts: shiftVerdicts(summary, limits),
      exceedances: exceedances.map(exceedanceJson),
    }
  })
  warnOfSparseSampling(times, args, io)
  return {
    factor,
    profile,
    ...(variant === undefined ? {} : { variant }),
    unit: FACTORS[factor].unit,
    read: log.read,
    shiftPattern: {
      starts: args.shiftPattern.starts,
      utcOffset: formatUtcOffset(args.shiftPattern.utcOffsetMinutes),
    },
    timeWeighting: args.hold
      ? { hold: 'until the next reading' }
      : { hold: 'sample interval', maxIntervalMinutes: args.maxIntervalMinutes },
    samples: shifts.reduce((sum, shift) => sum + shift.samples, 0),
    ignored: {
      outOfRange: log.outOfRange,
      duplicates: shifts.reduce((sum, shift) => sum + shift.duplicates, 0),
      outOfOrder: shifts.reduce((sum, shift) => sum + shift.outOfOrder, 0),
    },
    from: iso(first),
    to: iso(last),
    limit: limits ?? null,
    verdicts: logVerdicts(shifts),
    shifts: shifts.map(({ duplicates: _d, outOfOrder: _o, ...shift }) => shift),
  }
}

/**
 * Readings further apart than the sample interval leave most of the log unmeasured: right for a logger
 * that was off, wrong for one that samples slower or logs on change, which only the user knows.
 */
function warnOfSparseSampling(times: readonly number[], args: Arguments, io: ExposureIo): void {
  if (args.hold || times.length < 2) return
  const gaps = times
    .slice(1)
    .map((time, index) => time - times[index]!)
    .filter((gap) => gap > 0)
    .sort((a, b) => a - b)
  const median = gaps[Math.floor(gaps.length / 2)]
  if (median === undefined || median <= args.maxIntervalMinutes * 60_000) return
  const minutes = Math.round((median / 60_000) * 10) / 10
  io.stderr(
    `quantrac exposure: readings are typically ${minutes} min apart, more than the ${args.maxIntervalMinutes} min each stands for: ` +
      `most of the log counts as unmeasured. If the logger samples every ${minutes} min, give --max-interval ${Math.ceil(minutes)}; ` +
      'if it logs on change, --hold.',
  )
}

function parseArguments(values: Record<string, string | boolean | undefined>, positionals: string[]) {
  const text = (name: keyof typeof OPTIONS) => values[name] as string | undefined
  const profile = text('profile') ?? DEFAULT_PROFILE
  if (!isProfileId(profile))
    throw new InputError(`unknown profile "${profile}"; known: ${PROFILE_IDS.join(', ')}`)
  const factor = text('factor')
  if (factor === undefined) throw new InputError(`--factor is required\n\n${USAGE}`)
  if (!isFactorId(factor)) throw new InputError(`unknown factor "${factor}"; known: ${FACTOR_IDS.join(', ')}`)
  const variant = text('variant')
  if (variant !== undefined && !variantsOf(profile).includes(variant)) {
    throw new InputError(
      `profile ${profile} has no variant "${variant}"; known: ${variantsOf(profile).join(', ') || 'none'}`,
    )
  }
  if (positionals.length !== 1) throw new InputError(`expected one CSV file\n\n${USAGE}`)
  const hold = values.hold === true
  if (hold && text('max-interval') !== undefined) {
    throw new InputError(
      '--hold and --max-interval contradict each other: a value stands until the next reading, or for the sample interval',
    )
  }
  return {
    profile,
    factor,
    unit: text('unit'),
    variant,
    hold,
    maxIntervalMinutes: positiveNumber(
      '--max-interval',
      text('max-interval') ?? String(DEFAULT_SAMPLE_MINUTES),
    ),
    shiftPattern: shiftPattern(text('shifts'), text('utc-offset')),
    timeColumn: text('time-column'),
    valueColumn: text('value-column'),
    file: positionals[0]!,
  }
}

function shiftPattern(starts: string | undefined, offset: string | undefined): ShiftPattern {
  const list =
    starts === undefined ? DEFAULT_SHIFT_PATTERN.starts : starts.split(',').map((start) => start.trim())
  const bad = list.find((start) => !isShiftStart(start))
  if (bad !== undefined)
    throw new InputError(`--shifts: "${bad}" is not a time of day HH:MM (e.g. --shifts 07:30,19:30)`)
  if (new Set(list).size !== list.length) throw new InputError(`--shifts: "${starts}" names a start twice`)
  const utcOffsetMinutes =
    offset === undefined ? DEFAULT_SHIFT_PATTERN.utcOffsetMinutes : parseUtcOffset(offset)
  if (utcOffsetMinutes === undefined)
    throw new InputError(`--utc-offset: "${offset}" is not an offset like +07:00`)
  return { starts: list, utcOffsetMinutes }
}

function positiveNumber(name: string, text: string): number {
  const value = Number(text)
  if (!(Number.isFinite(value) && value > 0))
    throw new InputError(`${name} must be a positive number, got "${text}"`)
  return value
}

function exceedanceJson(exceedance: Exceedance) {
  return { ...exceedance, from: iso(exceedance.from), to: iso(exceedance.to) }
}

function iso(time: number | undefined): string | null {
  return time === undefined ? null : new Date(time).toISOString()
}

if (import.meta.main) {
  process.exitCode = await runExposure(process.argv.slice(2), {
    readFile: (path) => readFile(path, 'utf8'),
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  })
}
