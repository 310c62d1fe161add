import { connectAsync } from 'mqtt'
import { io } from 'socket.io-client'
import { readingsTopic } from '../../core/topics.ts'

/** Something that hears alerts and tells when the one for a given sensor arrived. */
export interface AlertListener {
  /** performance.now() when the sensor's alert arrived, or undefined after `timeoutMs`. */
  waitFor(sensorId: string, timeoutMs: number): Promise<number | undefined>
  close(): Promise<void>
}

function createWaiters() {
  const waiting = new Map<string, (at: number) => void>()
  return {
    arrived(sensorId: unknown, at: number) {
      if (typeof sensorId !== 'string') return
      waiting.get(sensorId)?.(at)
      waiting.delete(sensorId)
    },
    waitFor(sensorId: string, timeoutMs: number): Promise<number | undefined> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(sensorId)
          resolve(undefined)
        }, timeoutMs)
        waiting.set(sensorId, (at) => {
          clearTimeout(timer)
          resolve(at)
        })
      })
    },
  }
}

/** quantrac's live feed: a socket.io client in the facility's room, listening for `alert`. */
export async function socketIoAlerts(
  apiUrl: string,
  facilityId: string,
  token?: string,
): Promise<AlertListener> {
  const socket = io(apiUrl, {
    transports: ['websocket'],
    reconnection: false,
    ...(token === undefined ? {} : { auth: { token } }),
  })
  const waiters = createWaiters()
  socket.on('alert', (alert: { sensorId?: unknown }) => waiters.arrived(alert.sensorId, performance.now()))
  const joined = (await socket.timeout(10_000).emitWithAck('join', facilityId)) as { ok: boolean }
  if (!joined.ok) throw new Error(`could not join the live feed of ${facilityId}`)
  return {
    waitFor: waiters.waitFor,
    async close() {
      socket.close()
    },
  }
}

/** The peer's alerts: a plain WebSocket (Node-RED's `websocket out`), one JSON alert per message. */
export async function webSocketAlerts(url: string): Promise<AlertListener> {
  const socket = new WebSocket(url)
  const waiters = createWaiters()
  socket.addEventListener('message', (event) => {
    try {
      waiters.arrived((JSON.parse(String(event.data)) as { sensorId?: unknown }).sensorId, performance.now())
    } catch {
      // Not an alert.
    }
  })
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true })
    socket.addEventListener('error', () => reject(new Error(`could not open ${url}`)), { once: true })
  })
  return {
    waitFor: waiters.waitFor,
    async close() {
      socket.close()
    },
  }
}

export interface AlertLatencyOptions {
  mqttUrl: string
  listener: AlertListener
  facilityId: string
  /** Sensor ids are `{prefix}-{i}`: a fresh sensor per sample, because an open alert is not raised again. */
  sensorPrefix: string
  samples: number
  intervalMs: number
  timeoutMs: number
  username?: string
  password?: string
}

/**
 * Publishes one reading over the limit (noise 118 dBA; QCVN 24 allows at most 115) per sample, QoS 1,
 * and times it until the listener hears the alert. One sample at a time, on a fixed schedule.
 */
export async function measureAlertLatency(options: AlertLatencyOptions) {
  const client = await connectAsync(options.mqttUrl, {
    clientId: `${options.sensorPrefix}-probe`,
    reconnectPeriod: 0,
    username: options.username,
    password: options.password,
  })
  const latencies: number[] = []
  const pubacks: number[] = []
  let missed = 0
  const payload = JSON.stringify({ factor: 'noise', value: 118, unit: 'dBA' })
  try {
    const started = performance.now()
    for (let i = 0; i < options.samples; i++) {
      const sensorId = `${options.sensorPrefix}-${i}`
      const arrival = options.listener.waitFor(sensorId, options.timeoutMs)
      const sentAt = performance.now()
      await client.publishAsync(readingsTopic(options.facilityId, sensorId), payload, { qos: 1 })
      pubacks.push(performance.now() - sentAt)
      const at = await arrival
      if (at === undefined) missed++
      else latencies.push(at - sentAt)
      const nextSlot = started + (i + 1) * options.intervalMs
      const wait = nextSlot - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    }
  } finally {
    await client.endAsync()
  }
  return { latencies, pubacks, missed }
}
