import { z } from 'zod'
import { apiEnv } from '../api/config.ts'
import { startApi } from '../api/server.ts'
import { brokerEnv } from '../broker/config.ts'
import { startBroker } from '../broker/server.ts'
import { parseEnv } from '../core/config.ts'
import { readingsTopic } from '../core/topics.ts'
import { ingestEnv } from '../ingest/config.ts'
import { startIngest } from '../ingest/ingest.ts'
import { newSecret } from '../registry/credentials.ts'
import { demoFleet } from '../simulators/fleet.ts'
import { startSimulation } from '../simulators/publisher.ts'
import { HANDHELD, seedDemo } from './demo.ts'
import { createLogger } from './log.ts'
import { closeOnSignal, openStorage } from './services.ts'
import { apiOptions, brokerOptions, connectApiBrokerClient, ingestOptions } from './wiring.ts'

const startEnv = z.object({
  ...brokerEnv,
  ...ingestEnv,
  ...apiEnv,
  QUANTRAC_DEMO: z.stringbool().default(true),
  QUANTRAC_DEMO_RATE_HZ: z.coerce.number().min(0.01).max(100).default(1),
})

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
  const demo = config.QUANTRAC_DEMO
    ? await seedDemo(storage.registry, fleet, config.QUANTRAC_DATA_DIR)
    : undefined

  // In one process the services' credentials need not be configured: they are made up for this run.
  const service = {
    username: config.QUANTRAC_MQTT_USERNAME ?? 'quantrac-services',
    password: config.QUANTRAC_MQTT_PASSWORD ?? newSecret(),
  }
  const broker = await startBroker(
    brokerOptions(config, service),
    storage.registry,
    log.child({ component: 'broker' }),
  )
  const mqtt = { mqttUrl: config.QUANTRAC_MQTT_URL ?? `mqtt://127.0.0.1:${broker.port}`, ...service }
  // Ingest takes readings from the broker in this process, in memory, unless told to use another address.
  const ingestBroker = config.QUANTRAC_MQTT_URL === undefined ? broker : mqtt
  const ingest = await startIngest(ingestOptions(config, storage, ingestBroker, log))
  const apiBrokerClient = await connectApiBrokerClient(mqtt, log)
  const api = await startApi(apiOptions(config, storage, apiBrokerClient, log))
  const simulation =
    demo === undefined
      ? undefined
      : await startSimulation({
          mqttUrl: mqtt.mqttUrl,
          fleet,
          rateHz: config.QUANTRAC_DEMO_RATE_HZ,
          scenario: 'exceedance',
          clientPerSensor: true,
          sensorCredentials: ({ sensorId }) => ({
            username: sensorId,
            password: demo.sensorPasswords.get(sensorId),
          }),
          log: log.child({ component: 'simulators' }),
        })

  const lines = [
    'quantrac is running',
    `  live page      ${api.url}/${demo ? `#key=${demo.keys.officer}` : ''}`,
    `  API docs       ${api.url}/docs`,
    `  MQTT broker    mqtt://${config.QUANTRAC_LISTEN_HOST}:${broker.port}`,
  ]
  if (broker.tlsPort !== undefined) {
    lines.push(
      `  MQTT over TLS  mqtts://${config.QUANTRAC_MQTT_TLS_HOST ?? config.QUANTRAC_LISTEN_HOST}:${broker.tlsPort}`,
    )
  }
  if (demo !== undefined) {
    lines.push(
      `  API keys       ${demo.keysFile} (officer of ${HANDHELD.facilityId}, contractor, regulator, admin)`,
      `  officer key    ${demo.keys.officer}`,
      `  regulator key  ${demo.keys.regulator}`,
      `  try            mosquitto_pub -p ${broker.port} -q 1 -i ${HANDHELD.id} -u ${HANDHELD.id} -P ${HANDHELD.password} -t ${readingsTopic(HANDHELD.facilityId, HANDHELD.id)} -m '{"factor":"noise","value":92.5,"unit":"dBA"}'`,
    )
  }
  lines.push('  stop           Ctrl+C')
  log.info(lines.join('\n'))

  closeOnSignal(log, [
    () => simulation?.stop(),
    () => api.close(),
    () => apiBrokerClient.close(),
    // Sensors keep what they publish from here on: nothing is acknowledged by a broker about to stop.
    () => broker.refuseSensorPublishes(),
    () => ingest.close(),
    () => broker.close(),
    () => storage.close(),
  ])
  return -1
}
