/**
 * `quantrac exposure`: a recorded CSV series judged by the same engine as live readings.
 *
 *   quantrac exposure --profile qcvn --factor gas.co --unit mg/m3 shift.csv
 *
 * CSV header `timestamp,value`; timestamps ISO-8601 with an offset, or epoch milliseconds. Prints one
 * JSON object; exit 0, or 2 with a message on bad input.
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { timestampSchema } from '../core/contract.ts'
import { type Exceedance, evaluateSeries } from '../core/exposure/index.ts'
import { FACTOR_IDS, FACTORS, type FactorId, isFactorId } from '../core/factors.ts'
import { DEFAULT_PROFILE, isProfileId, PROFILE_IDS, resolveLimits, variantsOf } from '../core/limits/index.ts'
import { acceptedUnits, converterTo } from '../core/units.ts'

export interface ExposureIo {
  readFile(path: string): Promise<string>
  stdout(line: string): void
  stderr(line: string): void
}

const USAGE = `usage: quantrac exposure --factor <factor> [--profile ${PROFILE_IDS.join('|')}] [--unit <unit>]
                         [--variant <workplace>] [--max-interval <minutes>] [--shift-hours <hours>] FILE.csv`

/** Thrown for anything the user can fix; the message is printed as is. */
class InputError extends Error {}

/** Runs the subcommand with the arguments after `exposure`; returns the exit code. */
export async function runExposure(argv: string[], io: ExposureIo): Promise<number> {
  try {
    io.stdout(JSON.stringify(await evaluateFile(argv, io), null, 2))
    return 0
  } catch (err) {
    if (!(err instanceof InputError)) throw err
    io.stderr(`quantrac exposure: ${err.message}`)
    return 2
  }
}

async function evaluateFile(argv: string[], io: ExposureIo) {
  const args = parseArguments(argv)
  const factor = args.factor
  const convert = converterTo(factor, args.unit)
  if (convert === undefined) {
    throw new InputError(
      `${factor} cannot be given in ${args.unit}; use one of ${acceptedUnits(factor).join(', ')}`,
    )
  }
  let text: string
  try {
    text = await io.readFile(args.file)
  } catch (err) {
    throw new InputError(`cannot read ${args.file}: ${(err as Error).message}`)
  }
  const { readings, outOfRange } = parseCsv(text, factor, convert)
  let limits: ReturnType<typeof resolveLimits>
  try {
    limits = resolveLimits(
      args.profile,
      factor,
      args.variant === undefined ? [] : [{ variant: args.variant }],
    )
  } catch (err) {
    throw new InputError((err as Error).message)
  }
  const { summary, exceedances } = evaluateSeries(readings, {
    factor,
    limits,
    maxSampleIntervalMs: args.maxIntervalMinutes * 60_000,
    shiftHours: args.shiftHours,
  })
  const isNoise = factor === 'noise'
  return {
    factor,
    profile: args.profile,
    ...(args.variant === undefined ? {} : { variant: args.variant }),
    unit: FACTORS[factor].unit,
    samples: summary.samples,
    ignored: { duplicates: summary.duplicates, outOfOrder: summary.outOfOrder, outOfRange },
    from: iso(summary.firstTime),
    to: iso(summary.lastTime),
    durationHours: summary.elapsedHours,
    coverage: summary.coverage,
    max: summary.max ?? null,
    mean: summary.mean ?? null,
    twa: summary.twa ?? null,
    projectedTwa: summary.projectedTwa ?? null,
    stel: summary.maxStel ?? null,
    ...(isNoise
      ? {
          dosePercent: summary.dosePercent ?? null,
          projectedDosePercent: summary.projectedDosePercent ?? null,
          lex8h: summary.lex8h ?? null,
        }
      : {}),
    // Heat stress (WBGT) is judged by its highest 1-hour mean (ISO 7243).
    ...(limits?.hourMean === undefined ? {} : { hourMean: summary.maxHourMean ?? null }),
    limit: limits ?? null,
    exceedances: exceedances.map(exceedanceJson),
  }
}

function parseArguments(argv: string[]) {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (err) {
    throw new InputError(`${(err as Error).message}\n${USAGE}`)
  }
  const { values, positionals } = parsed
  const profile = values.profile ?? DEFAULT_PROFILE
  if (!isProfileId(profile))
    throw new InputError(`unknown profile "${profile}"; known: ${PROFILE_IDS.join(', ')}`)
  const factor = values.factor
  if (factor === undefined) throw new InputError(`--factor is required\n${USAGE}`)
  if (!isFactorId(factor)) throw new InputError(`unknown factor "${factor}"; known: ${FACTOR_IDS.join(', ')}`)
  if (values.variant !== undefined && !variantsOf(profile).includes(values.variant)) {
    throw new InputError(
      `profile ${profile} has no variant "${values.variant}"; known: ${variantsOf(profile).join(', ') || 'none'}`,
    )
  }
  if (positionals.length !== 1) throw new InputError(`expected one CSV file\n${USAGE}`)
  return {
    profile,
    factor,
    unit: values.unit ?? FACTORS[factor].unit,
    variant: values.variant,
    maxIntervalMinutes: positiveNumber('--max-interval', values['max-interval'] ?? '5'),
    shiftHours: positiveNumber('--shift-hours', values['shift-hours'] ?? '8'),
    file: positionals[0]!,
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      factor: { type: 'string' },
      unit: { type: 'string' },
      variant: { type: 'string' },
      'max-interval': { type: 'string' },
      'shift-hours': { type: 'string' },
    },
  })
}

function positiveNumber(name: string, text: string): number {
  const value = Number(text)
  if (!(Number.isFinite(value) && value > 0))
    throw new InputError(`${name} must be a positive number, got "${text}"`)
  return value
}

function parseCsv(text: string, factor: FactorId, convert: (value: number) => number) {
  const lines = text.split(/\r?\n/)
  const header = lines[0]
    ?.replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replaceAll(' ', '')
  if (header !== 'timestamp,value') {
    throw new InputError(`line 1: expected the header "timestamp,value", got "${lines[0] ?? ''}"`)
  }
  const { min, max } = FACTORS[factor]
  const readings: { time: number; value: number }[] = []
  let outOfRange = 0
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!.trim()
    if (line === '') continue
    const fields = line.split(',')
    if (fields.length !== 2)
      throw new InputError(`line ${index + 1}: expected "timestamp,value", got "${line}"`)
    const time = parseTimestamp(fields[0]!.trim())
    if (time === undefined) {
      throw new InputError(
        `line ${index + 1}: "${fields[0]}" is neither ISO-8601 with an offset nor epoch ms`,
      )
    }
    const raw = fields[1]!.trim()
    const number = raw === '' ? Number.NaN : Number(raw)
    if (!Number.isFinite(number)) throw new InputError(`line ${index + 1}: "${raw}" is not a number`)
    const value = convert(number)
    // Outside the physical range it is a sensor fault, not exposure: ingest rejects it the same way.
    if (value < min || value > max) outOfRange++
    else readings.push({ time, value })
  }
  if (readings.length === 0) throw new InputError('the file has no readings')
  return { readings, outOfRange }
}

function parseTimestamp(text: string): number | undefined {
  const candidate = /^\d+$/.test(text) ? Number(text) : text
  if (!timestampSchema.safeParse(candidate).success) return undefined
  return typeof candidate === 'number' ? candidate : Date.parse(candidate)
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
