import { z } from 'zod'
import { apiEnv } from '../api/config.ts'
import { startApi } from '../api/server.ts'
import { brokerEnv } from '../broker/config.ts'
import { startBroker } from '../broker/server.ts'
import { parseEnv } from '../core/config.ts'
import { readingsTopic } from '../core/topics.ts'
import { ingestEnv } from '../ingest/config.ts'
import { startIngest } from '../ingest/ingest.ts'
import type { Registry, Sensor } from '../registry/types.ts'
import { demoFleet, type Fleet } from '../simulators/fleet.ts'
import { startSimulation } from '../simulators/publisher.ts'
import { createLogger } from './log.ts'
import { closeOnSignal, openStorage } from './services.ts'

const startEnv = z.object({
  ...brokerEnv,
  ...ingestEnv,
  ...apiEnv,
  QUANTRAC_DEMO: z.stringbool().default(true),
  QUANTRAC_DEMO_RATE_HZ: z.coerce.number().min(0.01).max(100).default(1),
})

/** A sensor no simulator drives, for trying the wire contract by hand (README: mosquitto_pub). */
const HANDHELD = {
  id: 'fac-001-handheld',
  facilityId: 'fac-001',
  model: 'handheld sound level meter',
  zone: 'spot checks',
  factors: ['noise'],
} as const satisfies Sensor

async function seedRegistry(registry: Registry, fleet: Fleet): Promise<void> {
  for (const { sensors, ...facility } of fleet.facilities) {
    await registry.upsertFacility(facility)
    for (const sensor of sensors) await registry.upsertSensor({ ...sensor, facilityId: facility.id })
  }
  await registry.upsertSensor({ ...HANDHELD, factors: [...HANDHELD.factors] })
}

/**
 * `quantrac start` (`npm start`): broker, ingest, API and the demo fleet in one process, on the
 * embedded SQLite store unless QUANTRAC_INFLUX_URL is set. The demo scenario makes a sensor
 * exceed a limit within the first minute, so an alert shows up while you watch.
 */
export async function runStart(): Promise<number> {
  const config = parseEnv(startEnv, process.env)
  const log = createLogger()
  const storage = await openStorage(config, log)
  const fleet = demoFleet()
  if (config.QUANTRAC_DEMO) await seedRegistry(storage.registry, fleet)

  const broker = await startBroker(
    {
      host: config.QUANTRAC_LISTEN_HOST,
      port: config.QUANTRAC_MQTT_PORT,
      maxPayloadBytes: config.QUANTRAC_MQTT_MAX_PAYLOAD_BYTES,
      allowAnonymous: config.QUANTRAC_MQTT_ALLOW_ANONYMOUS,
      serviceUsername: config.QUANTRAC_MQTT_USERNAME,
      servicePassword: config.QUANTRAC_MQTT_PASSWORD,
    },
    log.child({ component: 'broker' }),
  )
  const mqtt = {
    mqttUrl: config.QUANTRAC_MQTT_URL ?? `mqtt://127.0.0.1:${broker.port}`,
    username: config.QUANTRAC_MQTT_USERNAME,
    password: config.QUANTRAC_MQTT_PASSWORD,
  }
  const ingest = await startIngest({
    ...mqtt,
    subscription: config.QUANTRAC_INGEST_SUBSCRIPTION,
    maxPayloadBytes: config.QUANTRAC_MQTT_MAX_PAYLOAD_BYTES,
    batchSize: config.QUANTRAC_BATCH_SIZE,
    flushIntervalMs: config.QUANTRAC_FLUSH_INTERVAL_MS,
    store: storage.store,
    registry: storage.registry,
    alerts: storage.registry,
    state: storage.registry,
    log: log.child({ component: 'ingest' }),
  })
  const api = await startApi({
    host: config.QUANTRAC_LISTEN_HOST,
    port: config.QUANTRAC_HTTP_PORT,
    store: storage.store,
    registry: storage.registry,
    alerts: storage.registry,
    live: mqtt,
    log: log.child({ component: 'api' }),
  })
  const simulation = config.QUANTRAC_DEMO
    ? await startSimulation({
        ...mqtt,
        fleet,
        rateHz: config.QUANTRAC_DEMO_RATE_HZ,
        scenario: 'exceedance',
        log: log.child({ component: 'simulators' }),
      })
    : undefined

  log.info(
    [
      'quantrac is running',
      `  live page      ${api.url}/`,
      `  API docs       ${api.url}/docs`,
      `  alerts         ${api.url}/api/v1/alerts?state=active`,
      `  MQTT broker    mqtt://${config.QUANTRAC_LISTEN_HOST}:${broker.port}`,
      `  try            mosquitto_pub -q 1 -p ${broker.port} -t ${readingsTopic(HANDHELD.facilityId, HANDHELD.id)} -m '{"factor":"noise","value":92.5,"unit":"dBA"}'`,
      '  stop           Ctrl+C',
    ].join('\n'),
  )

  closeOnSignal(log, [
    () => simulation?.stop(),
    () => api.close(),
    () => ingest.close(),
    () => broker.close(),
    () => storage.close(),
  ])
  return -1
}
