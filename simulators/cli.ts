import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Logger } from 'pino'
import { z } from 'zod'
import { createLogger } from '../bin/log.ts'
import { openSqliteRegistry } from '../registry/sqlite/registry.ts'
import { demoFleet, type Fleet, generateFleet, MAX_FACILITIES, MAX_SENSORS_PER_FACILITY } from './fleet.ts'
import { type Simulation, type SimulationStats, startSimulation } from './publisher.ts'
import { registerFleet } from './register.ts'
import { SCENARIO_IDS, SCENARIOS } from './scenarios.ts'

const DEFAULT_MQTT_URL = 'mqtt://127.0.0.1:1883'
const PROGRESS_INTERVAL_MS = 5_000
const MAX_RATE_HZ = 1_000

const USAGE = `usage: quantrac simulate [options]

Publishes simulated sensor readings to an MQTT broker until Ctrl+C (or --duration).

options:
  --facilities N        facilities to simulate (default 3)
  --sensors M           sensors per facility (default 4)
  --rate HZ             messages per sensor per second (default 1)
  --scenario NAME       ${SCENARIO_IDS.join(' | ')} (default normal)
  --duration S          stop after S seconds (default: run until SIGINT or SIGTERM)
  --mqtt-url URL        broker (default QUANTRAC_MQTT_URL, else ${DEFAULT_MQTT_URL})
  --seed N              replay a run: same seed, same readings (default: random, printed at the end)
  --client-per-sensor   one MQTT connection per sensor instead of one for the whole simulation
  --register            register the fleet in the registry of QUANTRAC_DATA_DIR first (facilities, zones,
                        sensors with fresh credentials) and connect each sensor with its own credentials,
                        as real sensors do; without it, ingest refuses readings of sensors it does not know
  -h, --help            this text

Without --facilities and --sensors the fleet is the demo fleet that \`quantrac start\` registers.
Credentials without --register: QUANTRAC_MQTT_USERNAME and QUANTRAC_MQTT_PASSWORD.

scenarios:
${SCENARIO_IDS.map((id) => `  ${id.padEnd(12)}${SCENARIOS[id].description}`).join('\n')}`

const MQTT_URL = z.url({
  protocol: /^(mqtts?|wss?|tcp|ssl)$/,
  error: 'must be an mqtt://, mqtts://, ws:// or wss:// URL',
})

const argsSchema = z.object({
  facilities: z.coerce.number().int().min(1).max(MAX_FACILITIES).optional(),
  sensors: z.coerce.number().int().min(1).max(MAX_SENSORS_PER_FACILITY).optional(),
  rate: z.coerce.number().positive().max(MAX_RATE_HZ).default(1),
  scenario: z.enum(SCENARIO_IDS).default('normal'),
  duration: z.coerce.number().positive().optional(),
  'mqtt-url': MQTT_URL,
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
  'client-per-sensor': z.boolean().default(false),
  register: z.boolean().default(false),
})

export interface SimulateCliIo {
  env: NodeJS.ProcessEnv
  stderr: (line: string) => void
  log: Logger
}

function defaultIo(): SimulateCliIo {
  return {
    env: process.env,
    stderr: (line) => process.stderr.write(`${line}\n`),
    log: createLogger(process.env.QUANTRAC_LOG_LEVEL ?? 'warn'),
  }
}

/**
 * `quantrac simulate`: returns the exit code, 0 after a clean run, 1 when the broker cannot be reached,
 * 2 on bad arguments.
 *
 * @example
 * await runSimulateCli(['--facilities', '10', '--sensors', '20', '--rate', '5', '--scenario', 'faulty', '--duration', '60'])
 */
export async function runSimulateCli(argv: string[], io: SimulateCliIo = defaultIo()): Promise<number> {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        facilities: { type: 'string' },
        sensors: { type: 'string' },
        rate: { type: 'string' },
        scenario: { type: 'string' },
        duration: { type: 'string' },
        'mqtt-url': { type: 'string' },
        seed: { type: 'string' },
        'client-per-sensor': { type: 'boolean' },
        register: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (err) {
    io.stderr(`quantrac simulate: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    io.stderr(USAGE)
    return 0
  }
  const parsed = argsSchema.safeParse({
    ...values,
    'mqtt-url': values['mqtt-url'] ?? (io.env.QUANTRAC_MQTT_URL || DEFAULT_MQTT_URL),
  })
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  --${issue.path.join('.')}: ${issue.message}`)
    io.stderr(`quantrac simulate: invalid arguments\n${problems.join('\n')}\n\n${USAGE}`)
    return 2
  }
  const args = parsed.data

  const fleet =
    args.facilities === undefined && args.sensors === undefined
      ? demoFleet()
      : generateFleet({
          facilities: args.facilities ?? 3,
          sensorsPerFacility: args.sensors ?? 4,
          seed: args.seed,
        })
  const sensors = fleet.facilities.reduce((count, facility) => count + facility.sensors.length, 0)
  const passwords = args.register ? await registerInRegistry(fleet, io) : undefined
  let lastProgress = { published: 0, elapsedMs: 0 }
  let simulation: Simulation
  try {
    simulation = await startSimulation({
      mqttUrl: args['mqtt-url'],
      username: io.env.QUANTRAC_MQTT_USERNAME || undefined,
      password: io.env.QUANTRAC_MQTT_PASSWORD || undefined,
      fleet,
      rateHz: args.rate,
      scenario: args.scenario,
      seed: args.seed,
      clientPerSensor: args['client-per-sensor'] || passwords !== undefined,
      sensorCredentials:
        passwords && (({ sensorId }) => ({ username: sensorId, password: passwords.get(sensorId) })),
      log: io.log,
      progressIntervalMs: PROGRESS_INTERVAL_MS,
      onProgress(progress) {
        const rate = perSecond(
          progress.published - lastProgress.published,
          progress.elapsedMs - lastProgress.elapsedMs,
        )
        lastProgress = progress
        io.stderr(`simulate: ${seconds(progress.elapsedMs)}  ${describe(progress)}  (${rate} msg/s now)`)
      },
    })
  } catch (err) {
    io.stderr(
      `quantrac simulate: cannot connect to ${redactUrl(args['mqtt-url'])}: ${(err as Error).message}`,
    )
    return 1
  }
  io.stderr(
    `simulate: ${fleet.facilities.length} facilities × ${sensors} sensors at ${args.rate} Hz, scenario ${args.scenario}, ` +
      `to ${redactUrl(args['mqtt-url'])}${args.duration === undefined ? ', Ctrl+C to stop' : ` for ${args.duration} s`}`,
  )

  const startedAt = Date.now()
  const reason = await stopSignal(args.duration)
  await simulation.stop()
  const elapsedMs = Date.now() - startedAt
  const stats = simulation.stats()
  io.stderr(
    `simulate: stopped (${reason}) after ${seconds(elapsedMs)}: ${describe(stats)}, ` +
      `${perSecond(stats.published, elapsedMs)} msg/s; replay with --seed ${simulation.seed}`,
  )
  return 0
}

/** Registers the fleet in the registry under QUANTRAC_DATA_DIR and returns each sensor's new password. */
async function registerInRegistry(fleet: Fleet, io: SimulateCliIo): Promise<Map<string, string>> {
  const registry = openSqliteRegistry(join(io.env.QUANTRAC_DATA_DIR || './data', 'registry.sqlite'))
  try {
    const passwords = await registerFleet(registry, fleet)
    io.stderr(`simulate: registered ${fleet.facilities.length} facilities and ${passwords.size} sensors`)
    return passwords
  } finally {
    registry.close()
  }
}

/** Resolves with what ended the run: the duration, or the first SIGINT or SIGTERM. A second signal kills as usual. */
function stopSignal(durationS: number | undefined): Promise<string> {
  return new Promise((resolve) => {
    const timer = durationS === undefined ? undefined : setTimeout(() => finish('duration'), durationS * 1000)
    function finish(reason: string) {
      clearTimeout(timer)
      process.off('SIGINT', finish)
      process.off('SIGTERM', finish)
      resolve(reason)
    }
    process.once('SIGINT', finish)
    process.once('SIGTERM', finish)
  })
}

function describe(stats: SimulationStats): string {
  return `published ${stats.published}, readings ${stats.readings}, malformed ${stats.malformed}, failed ${stats.failed}, skipped ${stats.skipped}`
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

function perSecond(count: number, ms: number): string {
  return ms <= 0 ? '0' : ((count * 1000) / ms).toFixed(0)
}

/** The broker URL as it may be printed: without a password. */
function redactUrl(url: string): string {
  const parsed = new URL(url)
  if (parsed.password !== '') parsed.password = '***'
  return parsed.toString()
}
