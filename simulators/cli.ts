import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { connectAsync } from 'mqtt'
import type { Logger } from 'pino'
import { z } from 'zod'
import { parseEnv, simulatorLogEnv } from '../core/config.ts'
import { sensorChangeTopic } from '../core/topics.ts'
import { createLogger } from '../log/log.ts'
import { registryEnv } from '../registry/config.ts'
import { ConflictError } from '../registry/errors.ts'
import { openRegistry, sqliteRegistryPath } from '../registry/open.ts'
import {
  demoFleet,
  type Fleet,
  generateFleet,
  MAX_FACILITIES,
  MAX_SENSORS_PER_FACILITY,
  sensorCount,
} from './fleet.ts'
import { type Simulation, type SimulationStats, startSimulation } from './publisher.ts'
import { decommissionSimulatedFleet, registerFleet } from './register.ts'
import { SCENARIO_IDS, SCENARIOS } from './scenarios.ts'

const DEFAULT_PREFIX = 'sim'
/** The demo's facilities are `fac-…`: a simulated fleet registered under them would take over its sensors. */
const DEMO_PREFIX = 'fac'
/** Sensors checked against the registry before an unregistered run: enough to tell, cheap for any fleet. */
const REGISTRY_SAMPLE = 1_000
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
  --mqtt-url URL        broker (default QUANTRAC_MQTT_URL, else mqtt://127.0.0.1:$QUANTRAC_MQTT_PORT, port 1883)
  --seed N              replay a run: same seed, same readings (default: random, printed at the end)
  --client-per-sensor   one MQTT connection per sensor instead of one for the whole simulation
  --register            register the fleet in the registry of QUANTRAC_DATA_DIR first (facilities, zones,
                        sensors with fresh credentials) and connect each sensor with its own credentials,
                        as real sensors do; without it, ingest refuses readings of sensors it does not know
  --prefix P            ids of a generated fleet: P-001, P-001-s01… (default ${DEFAULT_PREFIX}; never ${DEMO_PREFIX}, the demo's)
  --decommission        take the fleet registered under --prefix out of service and exit: its sensors can
                        no longer connect and are no longer reported offline (facilities and data stay)
  -h, --help            this text

Without --facilities, --sensors and --register the fleet is the demo's (fac-001…), which \`quantrac start\`
registers; otherwise it is generated under --prefix. Credentials without --register: QUANTRAC_MQTT_USERNAME
and QUANTRAC_MQTT_PASSWORD.

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
  prefix: z
    .string()
    .regex(
      /^[A-Za-z0-9][\w.-]{0,20}$/,
      '1–21 letters, digits, "_", "-" or ".", starting with a letter or digit',
    )
    .refine((prefix) => prefix !== DEMO_PREFIX, `${DEMO_PREFIX}-… are the demo's ids; choose another prefix`)
    .default(DEFAULT_PREFIX),
  decommission: z.boolean().default(false),
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
    log: createLogger(parseEnv(z.object(simulatorLogEnv), process.env).QUANTRAC_LOG_LEVEL),
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
        prefix: { type: 'string' },
        decommission: { type: 'boolean' },
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
    'mqtt-url':
      values['mqtt-url'] ??
      (io.env.QUANTRAC_MQTT_URL || `mqtt://127.0.0.1:${io.env.QUANTRAC_MQTT_PORT || 1883}`),
  })
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  --${issue.path.join('.')}: ${issue.message}`)
    io.stderr(`quantrac simulate: invalid arguments\n${problems.join('\n')}\n\n${USAGE}`)
    return 2
  }
  const args = parsed.data
  if (args.decommission) return decommission(args.prefix, args['mqtt-url'], io)

  const fleet =
    args.facilities === undefined && args.sensors === undefined && !args.register
      ? demoFleet()
      : generateFleet({
          facilities: args.facilities ?? 3,
          sensorsPerFacility: args.sensors ?? 4,
          seed: args.seed,
          idPrefix: args.prefix,
        })
  const sensors = sensorCount(fleet)
  let passwords: Map<string, string> | undefined
  let unregistered = 0
  if (args.register) {
    try {
      passwords = await registerInRegistry(fleet, args.rate, io)
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err
      io.stderr(`quantrac simulate: ${err.message}; register this fleet under another --prefix`)
      return 1
    }
  } else {
    unregistered = await warnOfUnregistered(fleet, io)
  }
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
  if (unregistered > 0) {
    io.stderr(
      `simulate: the broker acknowledged these messages, but ingest refused those of the ${unregistered} unregistered sensors (unknown-sensor); --register registers them`,
    )
  }
  if (passwords !== undefined) {
    io.stderr(
      `simulate: the fleet stays registered (${fleetIds(fleet)}); silent now, its sensors will be reported offline. ` +
        `Take them out of service with: npx quantrac simulate --decommission --prefix ${args.prefix}`,
    )
  }
  return 0
}

function registryConfig(env: NodeJS.ProcessEnv) {
  return parseEnv(z.object(registryEnv), env)
}

/** The registry the platform opens with this environment: PostgreSQL or the data directory's SQLite file. */
function openRegistryOf(env: NodeJS.ProcessEnv) {
  return openRegistry(registryConfig(env), createLogger('silent'))
}

function fleetIds(fleet: Fleet): string {
  const ids = fleet.facilities.map((facility) => facility.id)
  return `${ids.length === 1 ? ids[0] : `${ids[0]}…${ids[ids.length - 1]}`}, ${sensorCount(fleet)} sensors`
}

/**
 * Registers the fleet in the registry under QUANTRAC_DATA_DIR and returns each sensor's new password. Its
 * reporting interval follows the rate, so ingest's offline check (three intervals) fits what it sends.
 */
async function registerInRegistry(
  fleet: Fleet,
  rateHz: number,
  io: SimulateCliIo,
): Promise<Map<string, string>> {
  const registry = await openRegistryOf(io.env)
  try {
    const reportingIntervalS = Math.max(10, Math.ceil(1 / rateHz))
    const passwords = await registerFleet(registry, fleet, { reportingIntervalS })
    io.stderr(
      `simulate: registered ${fleet.facilities.length} facilities and ${passwords.size} sensors (${fleetIds(fleet)})`,
    )
    return passwords
  } finally {
    await registry.close()
  }
}

/**
 * The broker acknowledges readings of sensors ingest does not know, so a run of unregistered sensors looks
 * fine from here: says so before it starts, when the registry can tell. Returns how many are unregistered.
 */
async function warnOfUnregistered(fleet: Fleet, io: SimulateCliIo): Promise<number> {
  const config = registryConfig(io.env)
  const path =
    config.QUANTRAC_REGISTRY_URL === undefined ? sqliteRegistryPath(config) : 'the PostgreSQL registry'
  if (config.QUANTRAC_REGISTRY_URL === undefined && !existsSync(path)) {
    io.stderr(
      `simulate: warning: no registry at ${path} to check these sensors against; ingest refuses readings of sensors it does not know (unknown-sensor). --register registers them`,
    )
    return 0
  }
  const registry = await openRegistryOf(io.env)
  try {
    const sample = fleet.facilities.flatMap((f) => f.sensors).slice(0, REGISTRY_SAMPLE)
    let unknown = 0
    for (const sensor of sample) if ((await registry.sensorAccess(sensor.id))?.status !== 'active') unknown++
    if (unknown > 0) {
      io.stderr(
        `simulate: warning: ${unknown} of ${sample.length < sensorCount(fleet) ? `the first ${sample.length}` : sample.length} sensors are not registered (or decommissioned) in ${path}: ` +
          'ingest will refuse their readings as unknown-sensor, although the broker acknowledges them. --register registers them',
      )
    }
    return unknown
  } finally {
    await registry.close()
  }
}

/** `--decommission`: the fleet registered under `prefix` out of service; ingest and the broker are told at once. */
async function decommission(prefix: string, mqttUrl: string, io: SimulateCliIo): Promise<number> {
  const registry = await openRegistryOf(io.env)
  let sensors: string[]
  try {
    sensors = await decommissionSimulatedFleet(registry, prefix)
  } finally {
    await registry.close()
  }
  io.stderr(`simulate: decommissioned ${sensors.length} simulated sensors of the facilities ${prefix}-…`)
  if (sensors.length === 0 || !io.env.QUANTRAC_MQTT_USERNAME) {
    if (sensors.length > 0) io.stderr('simulate: ingest and the broker notice within a minute')
    return 0
  }
  // With the services' credentials, announce the change as the API does, so nothing waits for a refresh.
  try {
    const client = await connectAsync(mqttUrl, {
      username: io.env.QUANTRAC_MQTT_USERNAME,
      password: io.env.QUANTRAC_MQTT_PASSWORD,
      reconnectPeriod: 0,
    })
    for (const id of sensors) await client.publishAsync(sensorChangeTopic(id), '', { qos: 1 })
    await client.endAsync()
  } catch (err) {
    io.stderr(
      `simulate: could not tell the broker (${(err as Error).message}); ingest and the broker notice within a minute`,
    )
  }
  return 0
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
