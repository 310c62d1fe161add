/**
 * A load-generator process (forked by load.ts): publishes simulated sensor messages at a fixed offered
 * rate over a few raw MQTT connections, QoS 1, or holds idle sensor connections open. It never drops a
 * message it was due to send: when every connection's window of unacknowledged publishes is full it
 * waits for PUBACKs, so past capacity the broker's flow control slows it down and the shortfall shows
 * as offered − sent.
 */
import { generateFleet } from '../../simulators/fleet.ts'
import { createFleetSimulators, type SensorSimulator } from '../../simulators/sensor.ts'
import type { LoadWorkerConfig, LoadWorkerResult, ToLoadWorker } from './load.ts'
import { connectWire, type WireClient } from './mqtt-wire.ts'

const CONNECT_CONCURRENCY = 200
const PUMP_INTERVAL_MS = 2
/** Publishes per pump before yielding, so acks and timers are served while catching up. */
const PUMP_BUDGET = 2000
const MAX_RTT_SAMPLES = 5000

let clients: WireClient[] = []
let config: LoadWorkerConfig | undefined

function send(message: unknown): void {
  process.send?.(message)
}

async function connectAll(cfg: LoadWorkerConfig): Promise<WireClient[]> {
  const opened: WireClient[] = []
  for (let first = 0; first < cfg.connections; first += CONNECT_CONCURRENCY) {
    const batch = []
    for (let i = first; i < Math.min(cfg.connections, first + CONNECT_CONCURRENCY); i++) {
      batch.push(
        connectWire({
          host: cfg.host,
          port: cfg.port,
          clientId: `${cfg.clientIdPrefix}-${cfg.workerIndex}-${i}`,
          username: cfg.username,
          password: cfg.password,
        }),
      )
    }
    opened.push(...(await Promise.all(batch)))
  }
  return opened
}

function workerSensors(cfg: LoadWorkerConfig): SensorSimulator[] {
  const fleet = generateFleet(cfg.fleet)
  const all = createFleetSimulators({
    fleet,
    scenario: 'normal',
    seed: cfg.fleet.seed ?? 0,
    startMs: Date.now(),
  })
  return all.filter((_, i) => i % cfg.workerCount === cfg.workerIndex)
}

function run(cfg: LoadWorkerConfig, sensors: SensorSimulator[], startMs: number): Promise<LoadWorkerResult> {
  const n = sensors.length
  const topics = sensors.map((sensor) => Buffer.from(sensor.topic))
  const factorCounts = sensors.map((sensor) => {
    const probe = sensor.next(startMs)
    return probe?.readings ?? 0
  })
  const readingsPerTick = factorCounts.reduce((a, b) => a + b, 0)
  const total = Math.floor((cfg.messagesPerSecond * cfg.durationMs) / 1000)
  let offeredReadings = Math.floor(total / n) * readingsPerTick
  for (let i = 0; i < total % n; i++) offeredReadings += factorCounts[i] as number
  // One tick of a sensor per `tsStep` ms: unique (sensor, time) points, never ahead of the wall clock.
  const tsStep = Math.max(1, Math.floor((1000 * n) / cfg.messagesPerSecond))
  const rttEvery = Math.max(1, Math.floor(total / MAX_RTT_SAMPLES))
  const rtts: number[] = []
  const cpuStart = process.cpuUsage()

  let sent = 0
  let sentReadings = 0
  let acked = 0
  let ackedReadings = 0
  let lastAckAt = 0
  let sendEndAt = 0
  let windowFullPumps = 0
  let next = 0
  let wakeOnAck = false
  const t0 = performance.now()

  return new Promise((resolve) => {
    function pickClient(): WireClient | undefined {
      for (let tried = 0; tried < clients.length; tried++) {
        const client = clients[next] as WireClient
        next = next + 1 === clients.length ? 0 : next + 1
        if (client.inFlight < cfg.window && client.error === undefined) return client
      }
      return undefined
    }

    function acknowledged(readings: number, sentAt: number): void {
      acked++
      ackedReadings += readings
      lastAckAt = Date.now()
      if (sentAt >= 0) rtts.push(performance.now() - sentAt)
      if (wakeOnAck) {
        wakeOnAck = false
        setImmediate(pump)
      }
    }

    function pump(): void {
      if (sendEndAt !== 0) return
      const elapsed = performance.now() - t0
      if (elapsed >= cfg.durationMs || sent >= total) {
        finishSending()
        return
      }
      const due = Math.min(total, Math.floor((elapsed * cfg.messagesPerSecond) / 1000) + 1)
      for (const client of clients) client.cork()
      let budget = PUMP_BUDGET
      while (sent < due && budget-- > 0) {
        const client = pickClient()
        if (client === undefined) {
          windowFullPumps++
          wakeOnAck = true
          break
        }
        const i = sent % n
        const message = (sensors[i] as SensorSimulator).next(startMs + Math.floor(sent / n) * tsStep)
        const sentAt = sent % rttEvery === 0 && rtts.length < MAX_RTT_SAMPLES ? performance.now() : -1
        sent++
        if (message === undefined) continue
        const readings = message.readings
        sentReadings += readings
        client.publish(topics[i] as Buffer, message.payload, () => acknowledged(readings, sentAt))
      }
      for (const client of clients) client.uncork()
      if (budget <= 0) setImmediate(pump)
    }

    const timer = setInterval(pump, PUMP_INTERVAL_MS)

    function finishSending(): void {
      if (sendEndAt !== 0) return
      sendEndAt = Date.now()
      clearInterval(timer)
      const deadline = Date.now() + cfg.drainTimeoutMs
      const waitForAcks = setInterval(() => {
        const unacked = clients.reduce((sum, client) => sum + client.inFlight, 0)
        if (unacked > 0 && Date.now() < deadline) return
        clearInterval(waitForAcks)
        const cpu = process.cpuUsage(cpuStart)
        resolve({
          workerIndex: cfg.workerIndex,
          offeredMessages: total,
          offeredReadings,
          sentMessages: sent,
          sentReadings,
          ackedMessages: acked,
          ackedReadings,
          unacked,
          startMs,
          sendEndMs: sendEndAt,
          lastAckMs: lastAckAt,
          windowFullPumps,
          cpuMs: (cpu.user + cpu.system) / 1000,
          rttMs: rtts,
          errors: clients.flatMap((client) => (client.error ? [client.error.message] : [])),
        })
      }, 20)
    }
    pump()
  })
}

process.on('message', async function onParentMessage(message: ToLoadWorker) {
  try {
    if (message.type === 'start') {
      config = message.config
      const sensors = config.kind === 'publish' ? workerSensors(config) : []
      clients = await connectAll(config)
      send({ type: 'ready', connections: clients.length, sensors: sensors.length })
      if (config.kind === 'publish') {
        process.on('message', async function onGo(go: ToLoadWorker) {
          if (go.type !== 'go' || config === undefined) return
          send({ type: 'done', result: await run(config, sensors, go.startMs) })
        })
      }
    } else if (message.type === 'stop') {
      await Promise.all(clients.map((client) => client.close()))
      process.exit(0)
    }
  } catch (err) {
    send({ type: 'error', message: (err as Error).message })
    process.exit(1)
  }
})

process.on('disconnect', () => process.exit(0))
