import { randomBytes } from 'node:crypto'
import { connectAsync, type IClientPublishOptions, type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import type { SensorAddress } from '../core/topics.ts'
import { type Fleet, sensorCount } from './fleet.ts'
import type { ScenarioId } from './scenarios.ts'
import { createFleetSimulators, type SensorSimulator, type SimulatedMessage } from './sensor.ts'

export interface SensorCredentials {
  username: string
  password?: string
}

export interface SimulationOptions {
  mqttUrl: string
  username?: string
  password?: string
  fleet: Fleet
  /** Messages each sensor sends per second. */
  rateHz: number
  scenario: ScenarioId
  /** Random when absent; logged and returned, so any run can be replayed. */
  seed?: number
  log?: Logger
  /** Called every `progressIntervalMs` with the totals so far. */
  onProgress?: (progress: SimulationProgress) => void
  /** Default 5000. */
  progressIntervalMs?: number
  /**
   * One MQTT connection per sensor, with the client id `{facilityId}.{sensorId}`, as real devices
   * connect. Off by default: thousands of connections cost more than the readings they carry.
   */
  clientPerSensor?: boolean
  /** With `clientPerSensor`, a sensor's own credentials; undefined falls back to `username` and `password`. */
  sensorCredentials?: (sensor: SensorAddress) => SensorCredentials | undefined
  /**
   * Publishes awaiting their PUBACK above which ticks are skipped (counted in `skipped`) instead of
   * queueing without bound behind a slow broker. Default 10 000; at most 65 000, under MQTT's packet ids.
   */
  maxInFlight?: number
}

export interface SimulationStats {
  /** Messages the broker acknowledged, bad ones included. */
  published: number
  /** Messages whose publish failed. */
  failed: number
  /** Deliberately bad messages (the `faulty` scenario) the broker acknowledged. */
  malformed: number
  /** Readings in the well-formed messages the broker acknowledged. */
  readings: number
  /** Messages not sent because too many publishes were in flight, or the timer fell behind. */
  skipped: number
}

export interface SimulationProgress extends SimulationStats {
  elapsedMs: number
}

export interface Simulation {
  /** The seed the run uses: pass it back as `seed` to replay the same signals. */
  seed: number
  stop(): Promise<void>
  stats(): SimulationStats
}

const PUBLISH_QOS_1: IClientPublishOptions = { qos: 1 }
/** Timers fire no faster than this; faster rates send several ticks per firing. */
const MIN_TIMER_MS = 10
/** After a stall (a paused laptop, a long GC), skip ticks older than this rather than sending a burst. */
const MAX_CATCH_UP_MS = 1_000
/** Connections opened at once with `clientPerSensor`, so a large fleet does not flood the broker's accept queue. */
const CONNECT_CONCURRENCY = 100
/**
 * With each sensor's own credentials the broker checks every password with scrypt (tens of ms, on a pool of
 * four threads): a hundred at once on a loaded machine left some waiting past the CONNACK timeout.
 */
const CONNECT_CONCURRENCY_OWN_CREDENTIALS = 10
/** How long a CONNACK may take: a broker busy hashing passwords is slow, not gone. */
const CONNECT_TIMEOUT_MS = 30_000
const DEFAULT_MAX_IN_FLIGHT = 10_000
/** MQTT packet ids are 16-bit; MQTT.js drops a publish silently when one client runs out. */
const MAX_IN_FLIGHT_LIMIT = 65_000
const CLOSE_TIMEOUT_MS = 5_000

/**
 * Publishes a fleet's simulated readings to an MQTT broker, QoS 1, paced by one timer per tick
 * (every sensor sends once per tick), until `stop()`. Resolves once connected; rejects if it cannot.
 *
 * @example
 * const simulation = await startSimulation({ mqttUrl: 'mqtt://127.0.0.1:1883', fleet: demoFleet(), rateHz: 1, scenario: 'exceedance' })
 * // …
 * await simulation.stop()
 * simulation.stats() // { published: 120, failed: 0, malformed: 0, readings: 330, skipped: 0 }
 */
export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  const { fleet, rateHz, scenario, onProgress } = options
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
  if (!(Number.isFinite(rateHz) && rateHz > 0)) throw new RangeError(`rateHz must be above 0, got ${rateHz}`)
  if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1 && maxInFlight <= MAX_IN_FLIGHT_LIMIT)) {
    throw new RangeError(
      `maxInFlight must be an integer from 1 to ${MAX_IN_FLIGHT_LIMIT}, got ${maxInFlight}`,
    )
  }
  if (sensorCount(fleet) === 0) throw new RangeError('the fleet has no sensors')

  const seed = options.seed ?? randomBytes(4).readUInt32BE()
  const log = options.log?.child({ component: 'simulator' })
  const clients = await connectClients(options, addressesOf(fleet), log)
  // Time starts once connected, so forced events land within the first minute of readings actually sent.
  const startMs = Date.now()
  let sensors: SensorSimulator[]
  try {
    sensors = createFleetSimulators({ fleet, scenario, seed, startMs })
  } catch (err) {
    await Promise.all(clients.map(closeClient))
    throw err
  }
  const clientOf = (i: number) => (clients.length === 1 ? clients[0] : clients[i]) as MqttClient
  log?.info(
    {
      scenario,
      seed,
      rateHz,
      facilities: fleet.facilities.length,
      sensors: sensors.length,
      clients: clients.length,
    },
    'simulation started',
  )

  const stats: SimulationStats = { published: 0, failed: 0, malformed: 0, readings: 0, skipped: 0 }
  let inFlight = 0
  let onDrained: (() => void) | undefined
  let failureLogged = false

  function published(message: SimulatedMessage) {
    stats.published++
    if (message.fault === undefined) stats.readings += message.readings
    else stats.malformed++
  }
  function failed(err: unknown) {
    stats.failed++
    if (!failureLogged) {
      failureLogged = true
      log?.warn({ err }, 'publish failed; further failures are only counted')
    }
  }
  function settled() {
    inFlight--
    if (inFlight === 0) onDrained?.()
  }
  function send(client: MqttClient, message: SimulatedMessage) {
    inFlight++
    client
      .publishAsync(message.topic, message.payload, PUBLISH_QOS_1)
      .then(() => published(message), failed)
      .finally(settled)
  }

  const periodMs = 1000 / rateHz
  let ticksDone = 0
  function runDueTicks() {
    const ticksDue = Math.floor((Date.now() - startMs) / periodMs) + 1
    const oldestWanted = ticksDue - Math.ceil(MAX_CATCH_UP_MS / periodMs)
    if (ticksDone < oldestWanted) {
      // Fell far behind: jump, rather than replay every missed tick. The models take any step.
      stats.skipped += (oldestWanted - ticksDone) * sensors.length
      ticksDone = oldestWanted
    }
    for (; ticksDone < ticksDue; ticksDone++) {
      const timeMs = startMs + ticksDone * periodMs
      // Every sensor samples every tick, sent or not, so its signals do not depend on the broker's pace.
      const sending = inFlight < maxInFlight
      for (let i = 0; i < sensors.length; i++) {
        const message = (sensors[i] as SensorSimulator).next(timeMs)
        if (message === undefined) continue
        if (sending) send(clientOf(i), message)
        else stats.skipped++
      }
    }
  }
  runDueTicks()
  const tickTimer = setInterval(runDueTicks, Math.max(MIN_TIMER_MS, periodMs))
  const progressTimer =
    onProgress &&
    setInterval(
      () => onProgress({ ...stats, elapsedMs: Date.now() - startMs }),
      options.progressIntervalMs ?? 5_000,
    )

  let stopping: Promise<void> | undefined
  async function stopSimulation() {
    clearInterval(tickTimer)
    clearInterval(progressTimer)
    if (inFlight > 0) {
      const drained = new Promise<void>((resolve) => {
        onDrained = resolve
      })
      await withTimeout(drained, CLOSE_TIMEOUT_MS)
    }
    await Promise.all(clients.map(closeClient))
    log?.info({ stats }, 'simulation stopped')
  }

  return {
    seed,
    stop() {
      stopping ??= stopSimulation()
      return stopping
    },
    stats: () => ({ ...stats }),
  }
}

function addressesOf(fleet: Fleet): SensorAddress[] {
  return fleet.facilities.flatMap((facility) =>
    facility.sensors.map((sensor) => ({ facilityId: facility.id, sensorId: sensor.id })),
  )
}

async function connectClients(
  options: SimulationOptions,
  sensors: readonly SensorAddress[],
  log: Logger | undefined,
): Promise<MqttClient[]> {
  const shared = { username: options.username, password: options.password }
  if (!options.clientPerSensor) {
    return [
      // Not `quantrac-…`: those client ids are the services' own, refused to anyone else.
      await connectClient(options.mqttUrl, `simulator-${randomBytes(4).toString('hex')}`, shared, log),
    ]
  }
  const clients: MqttClient[] = []
  try {
    const concurrency =
      options.sensorCredentials === undefined ? CONNECT_CONCURRENCY : CONNECT_CONCURRENCY_OWN_CREDENTIALS
    for (let first = 0; first < sensors.length; first += concurrency) {
      const batch = sensors.slice(first, first + concurrency).map((sensor) => {
        const credentials = options.sensorCredentials?.(sensor) ?? shared
        // A sensor's client id is its sensor id: the broker refuses any other for its credentials.
        return connectClient(options.mqttUrl, sensor.sensorId, credentials, log)
      })
      const results = await Promise.allSettled(batch)
      for (const result of results) if (result.status === 'fulfilled') clients.push(result.value)
      const failure = results.find((result) => result.status === 'rejected')
      if (failure !== undefined) throw failure.reason
    }
    return clients
  } catch (err) {
    await Promise.all(clients.map(closeClient))
    throw err
  }
}

async function connectClient(
  mqttUrl: string,
  clientId: string,
  credentials: { username?: string | undefined; password?: string | undefined },
  log: Logger | undefined,
): Promise<MqttClient> {
  // allowRetries false: a broker that is not there fails the start at once instead of retrying forever.
  const client = await connectAsync(
    mqttUrl,
    { clientId, clean: true, reconnectPeriod: 1_000, connectTimeout: CONNECT_TIMEOUT_MS, ...credentials },
    false,
  )
  client.on('error', function onClientError(err) {
    log?.warn({ err, clientId }, 'MQTT client error')
  })
  client.on('offline', function onClientOffline() {
    log?.warn({ clientId }, 'MQTT client offline; reconnecting')
  })
  return client
}

/** Ends a client, giving its last publishes a moment to be acknowledged before forcing it closed. */
async function closeClient(client: MqttClient): Promise<void> {
  const ended = await withTimeout(client.endAsync(), CLOSE_TIMEOUT_MS)
  if (!ended) await client.endAsync(true)
}

const settledInTime = () => true

/** Whether `promise` settled, fulfilled or rejected, within `ms`: waiting to close, not for a result. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false)
  })
  try {
    return await Promise.race([promise.then(settledInTime, settledInTime), timeout])
  } finally {
    clearTimeout(timer)
  }
}
