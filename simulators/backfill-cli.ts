import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { z } from 'zod'
import { logEnv, parseEnv } from '../core/config.ts'
import { createLogger } from '../log/log.ts'
import { openStorage } from '../platform/storage.ts'
import { registryEnv } from '../registry/config.ts'
import type { AlertRepository, Registry } from '../registry/types.ts'
import { storeEnv } from '../store/config.ts'
import type { TimeSeriesStore } from '../store/types.ts'
import {
  type BackfillProgress,
  MAX_BACKFILL_FACILITIES,
  MAX_BACKFILL_YEARS,
  runBackfill,
} from './backfill.ts'

const USAGE = `usage: quantrac backfill [options]

Writes years of monitoring history straight into the registry and the time-series store (not over MQTT),
for the regulator's coverage report: facilities across provinces and sectors joining monitoring over time,
some with outages, lapsed calibrations or a hazard without a sensor; zones with their workers; hourly
readings in working hours; TWA/STEL alarms; yearly monitoring campaigns, for most facilities without sensors.

options:
  --years N         years of history up to now (default 3, at most ${MAX_BACKFILL_YEARS})
  --facilities N    facilities (default 200, at most ${MAX_BACKFILL_FACILITIES})
  --seed N          same seed, same history (default 1)
  --prefix P        facility ids P-0001… (default bf), apart from the demo's fac-…
  --until ISO       end of the history (default: now, to the hour)
  -h, --help        this text

Storage as for the other commands: QUANTRAC_DATA_DIR (registry.sqlite, timeseries.sqlite), the registry in
PostgreSQL with QUANTRAC_REGISTRY_URL, InfluxDB with QUANTRAC_INFLUX_URL (and _DATABASE, _TOKEN, _ORG,
_USERNAME, _PASSWORD).`

const argsSchema = z.object({
  years: z.coerce.number().int().min(1).max(MAX_BACKFILL_YEARS).default(3),
  facilities: z.coerce.number().int().min(1).max(MAX_BACKFILL_FACILITIES).default(200),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
  prefix: z
    .string()
    .regex(
      /^[A-Za-z0-9][\w.-]{0,20}$/,
      '1–21 letters, digits, "_", "-" or ".", starting with a letter or digit',
    )
    .default('bf'),
  until: z.iso.datetime({ offset: true }).optional(),
})

export interface Storage {
  registry: Registry & AlertRepository
  store: TimeSeriesStore
  close(): Promise<void>
}

export interface BackfillCliIo {
  env: NodeJS.ProcessEnv
  stderr: { write(text: string): unknown; isTTY?: boolean }
  now: () => number
  /** Opens the registry and the store; by default as the environment says. */
  open?: (env: NodeJS.ProcessEnv) => Promise<Storage>
}

async function openFromEnv(env: NodeJS.ProcessEnv): Promise<Storage> {
  const config = parseEnv(z.object({ ...storeEnv, ...registryEnv, ...logEnv }), env)
  // Progress goes to stderr; the store only has to say which one it opened.
  return openStorage(config, createLogger(config.QUANTRAC_LOG_LEVEL, pino.destination(2)))
}

const BAR_WIDTH = 30
const LINE_EVERY_MS = 5_000
const REDRAW_EVERY_MS = 100

function compact(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n)
}

/** One line of progress: `[#####-----]  50% 100/200 facilities · 3.2M readings · 150 alerts · 40 campaigns · 12 s`. */
export function progressLine(progress: BackfillProgress, elapsedMs: number): string {
  const share = progress.facilities === 0 ? 1 : progress.facilitiesDone / progress.facilities
  const filled = Math.round(share * BAR_WIDTH)
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`
  return (
    `${bar} ${String(Math.floor(share * 100)).padStart(3)}% ${progress.facilitiesDone}/${progress.facilities} facilities` +
    ` · ${compact(progress.readings)} readings · ${progress.alerts} alerts · ${progress.campaigns} campaigns` +
    ` · ${Math.round(elapsedMs / 1000)} s`
  )
}

/**
 * `quantrac backfill`: 0 after a run, 1 when storage fails, 2 on bad arguments. Progress goes to stderr: a bar
 * redrawn in place on a terminal, a line every 5 s otherwise.
 *
 * @example
 * await runBackfillCli(['--years', '3', '--facilities', '200', '--seed', '7'])
 */
export async function runBackfillCli(
  argv: string[],
  io: BackfillCliIo = { env: process.env, stderr: process.stderr, now: Date.now },
): Promise<number> {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        years: { type: 'string' },
        facilities: { type: 'string' },
        seed: { type: 'string' },
        prefix: { type: 'string' },
        until: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (err) {
    io.stderr.write(`quantrac backfill: ${(err as Error).message}\n\n${USAGE}\n`)
    return 2
  }
  if (values.help) {
    io.stderr.write(`${USAGE}\n`)
    return 0
  }
  const parsed = argsSchema.safeParse(values)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  --${issue.path.join('.')}: ${issue.message}`)
    io.stderr.write(`quantrac backfill: invalid arguments\n${problems.join('\n')}\n\n${USAGE}\n`)
    return 2
  }
  const args = parsed.data
  const until =
    Math.floor((args.until === undefined ? io.now() : Date.parse(args.until)) / 3_600_000) * 3_600_000

  let storage: Storage
  try {
    storage = await (io.open ?? openFromEnv)(io.env)
  } catch (err) {
    io.stderr.write(`quantrac backfill: cannot open storage: ${(err as Error).message}\n`)
    return 1
  }
  const startedAt = io.now()
  const tty = io.stderr.isTTY === true
  let lastDrawn = 0
  function draw(progress: BackfillProgress, final = false) {
    const now = io.now()
    if (!final && now - lastDrawn < (tty ? REDRAW_EVERY_MS : LINE_EVERY_MS)) return
    lastDrawn = now
    const line = progressLine(progress, now - startedAt)
    io.stderr.write(tty ? `\r${line}${final ? '\n' : ''}` : `backfill: ${line}\n`)
  }
  io.stderr.write(
    `backfill: ${args.facilities} facilities × ${args.years} years up to ${new Date(until).toISOString()} into the ${storage.store.kind} store (seed ${args.seed})\n`,
  )
  try {
    const result = await runBackfill({
      ...args,
      until,
      registry: storage.registry,
      store: storage.store,
      onProgress: (progress) => draw(progress),
    })
    draw(result, true)
    io.stderr.write(
      `backfill: done. Try GET /api/v1/reports/coverage?period=${new Date(until).getUTCFullYear() - 1} with a regulator key, or /regulator.html\n`,
    )
    return 0
  } catch (err) {
    io.stderr.write(`\nquantrac backfill: ${(err as Error).message}\n`)
    return 1
  } finally {
    await storage.close()
  }
}
