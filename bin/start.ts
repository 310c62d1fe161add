import { z } from 'zod'
import { apiEnv } from '../api/config.ts'
import { startApi } from '../api/server.ts'
import { brokerEnv } from '../broker/config.ts'
import { startBroker } from '../broker/server.ts'
import { parseEnv } from '../core/config.ts'
import { readingsTopic } from '../core/topics.ts'
import { ingestEnv } from '../ingest/config.ts'
import { startIngest } from '../ingest/ingest.ts'
import { notifyEnv } from '../notify/config.ts'
import { newSecret } from '../registry/credentials.ts'
import { demoFleet } from '../simulators/fleet.ts'
import { startSimulation } from '../simulators/publisher.ts'
import { type CommandIo, parseCommandLine, processIo } from './args.ts'
import { startupBanner } from './banner.ts'
import { lockDataDir } from './data-lock.ts'
import { HANDHELD, seedDemo } from './demo.ts'
import { createLogger } from './log.ts'
import { closeOnSignal, ingestLockName, openStorage } from './services.ts'
import {
  apiOptions,
  brokerOptions,
  connectApiBrokerClient,
  ingestOptions,
  startNotifierFor,
} from './wiring.ts'

const USAGE = `usage: quantrac start [--help]

Runs the whole platform in one process: the MQTT broker, ingest, the API with the live page, and (unless
QUANTRAC_DEMO=false) three simulated demo facilities. Data and the registry go to QUANTRAC_DATA_DIR
(default ./data), which one \`quantrac start\` uses at a time. Stop with Ctrl+C.

Settings are QUANTRAC_* environment variables (README.md, Configuration), e.g.
  QUANTRAC_HTTP_PORT=8080  QUANTRAC_MQTT_PORT=1883  QUANTRAC_DATA_DIR=./data  QUANTRAC_DEMO=true
  QUANTRAC_INFLUX_URL=http://127.0.0.1:8086   (InfluxDB instead of the embedded SQLite store)`

const startEnv = z.object({
  ...brokerEnv,
  ...ingestEnv,
  ...apiEnv,
  ...notifyEnv,
  QUANTRAC_DEMO: z.stringbool().default(true),
  QUANTRAC_DEMO_RATE_HZ: z.coerce.number().min(0.01).max(100).default(1),
})

/**
 * `quantrac start` (`npm start`): broker, ingest, API and the demo fleet in one process, on the
 * embedded SQLite store unless QUANTRAC_INFLUX_URL is set. The demo scenario makes a sensor
 * exceed a limit within the first minute, so an alert shows up while you watch.
 */
export async function runStart(argv: string[] = [], io: CommandIo = processIo): Promise<number> {
  const commandLine = parseCommandLine('start', USAGE, argv, {}, io)
  if (commandLine.exitCode !== undefined) return commandLine.exitCode
  const config = parseEnv(startEnv, process.env)
  // Before anything in the directory is touched: a second start must not re-seed the running one's demo.
  const locks = [
    lockDataDir(config.QUANTRAC_DATA_DIR, 'quantrac.lock'),
    lockDataDir(config.QUANTRAC_DATA_DIR, ingestLockName(config.QUANTRAC_INGEST_CLIENT_ID)),
  ]
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
  const api = await startApi({
    ...apiOptions(config, storage, apiBrokerClient, log),
    health: { spoolBacklog: () => ingest.backlog() },
  })
  const notifier = await startNotifierFor(config, storage, api.url, log)
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

  const mqttAddress = `mqtt://${config.QUANTRAC_LISTEN_HOST}:${broker.port}`
  io.stdout(
    startupBanner({
      apiUrl: api.url,
      mqttUrl: mqttAddress,
      mqttTlsUrl:
        broker.tlsPort === undefined
          ? undefined
          : `mqtts://${config.QUANTRAC_MQTT_TLS_HOST ?? config.QUANTRAC_LISTEN_HOST}:${broker.tlsPort}`,
      dataDir: config.QUANTRAC_DATA_DIR,
      demo: demo && {
        keysFile: demo.keysFile,
        keys: demo.keys,
        users: demo.users,
        officerOf: HANDHELD.facilityId,
        tryCommand: `mosquitto_pub -p ${broker.port} -q 1 -i ${HANDHELD.id} -u ${HANDHELD.id} -P ${HANDHELD.password} -t ${readingsTopic(HANDHELD.facilityId, HANDHELD.id)} -m '{"factor":"noise","value":92.5,"unit":"dBA"}'`,
      },
    }),
  )
  log.info({ api: api.url, mqtt: mqttAddress, demo: demo !== undefined }, 'quantrac is running')

  closeOnSignal(log, [
    () => simulation?.stop(),
    () => api.close(),
    () => notifier?.close(),
    () => apiBrokerClient.close(),
    // Sensors keep what they publish from here on: nothing is acknowledged by a broker about to stop.
    () => broker.refuseSensorPublishes(),
    () => ingest.close(),
    () => broker.close(),
    () => storage.close(),
    () => {
      for (const lock of locks) lock.release()
    },
  ])
  return -1
}
