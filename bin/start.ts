import { z } from 'zod'
import { parseEnv } from '../core/config.ts'
import { readingsTopic } from '../core/topics.ts'
import { createLogger } from '../log/log.ts'
import { createPlatform, platformEnv } from '../platform/platform.ts'
import { demoFleet } from '../simulators/fleet.ts'
import { startSimulation } from '../simulators/publisher.ts'
import { type CommandIo, parseCommandLine, processIo } from './args.ts'
import { startupBanner } from './banner.ts'
import { ingestLockName, lockDataDir } from './data-lock.ts'
import { type DemoAccess, HANDHELD, seedDemo } from './demo.ts'
import { closeOnSignal } from './shutdown.ts'

const USAGE = `usage: quantrac start [--help]

Runs the whole platform in one process: the MQTT broker, ingest, the API with the live page, and (unless
QUANTRAC_DEMO=false) three simulated demo facilities. Data and the registry go to QUANTRAC_DATA_DIR
(default ./data), which one \`quantrac start\` uses at a time. Stop with Ctrl+C.

Settings are QUANTRAC_* environment variables (README.md, Configuration), e.g.
  QUANTRAC_HTTP_PORT=8080  QUANTRAC_MQTT_PORT=1883  QUANTRAC_DATA_DIR=./data  QUANTRAC_DEMO=true
  QUANTRAC_INFLUX_URL=http://127.0.0.1:8086   (InfluxDB instead of the embedded SQLite store)`

const startEnv = z.object({
  ...platformEnv,
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
  const log = createLogger(config.QUANTRAC_LOG_LEVEL)
  const fleet = demoFleet()
  let demo: DemoAccess | undefined
  const platform = await createPlatform(config, {
    log,
    // Before ingest starts, so that it loads the demo's sensors.
    beforeParts: async (storage) => {
      if (config.QUANTRAC_DEMO) demo = await seedDemo(storage.registry, fleet, config.QUANTRAC_DATA_DIR)
    },
  })
  const broker = platform.broker!
  const api = platform.api!
  const mqtt = platform.connection
  const seeded = demo as DemoAccess | undefined
  const simulation =
    seeded === undefined
      ? undefined
      : await startSimulation({
          mqttUrl: mqtt.mqttUrl,
          fleet,
          rateHz: config.QUANTRAC_DEMO_RATE_HZ,
          scenario: 'exceedance',
          clientPerSensor: true,
          sensorCredentials: ({ sensorId }) => ({
            username: sensorId,
            password: seeded.sensorPasswords.get(sensorId),
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
      mqttWebSocketUrl:
        broker.webSocketPort === undefined
          ? undefined
          : `${config.QUANTRAC_MQTT_WS_TLS ? 'wss' : 'ws'}://${config.QUANTRAC_MQTT_WS_HOST ?? config.QUANTRAC_LISTEN_HOST}:${broker.webSocketPort}/mqtt`,
      dataDir: config.QUANTRAC_DATA_DIR,
      demo: seeded && {
        keysFile: seeded.keysFile,
        keys: seeded.keys,
        users: seeded.users,
        officerOf: HANDHELD.facilityId,
        tryCommand: `mosquitto_pub -p ${broker.port} -q 1 -i ${HANDHELD.id} -u ${HANDHELD.id} -P ${HANDHELD.password} -t ${readingsTopic(HANDHELD.facilityId, HANDHELD.id)} -m '{"factor":"noise","value":92.5,"unit":"dBA"}'`,
      },
    }),
  )
  log.info({ api: api.url, mqtt: mqttAddress, demo: seeded !== undefined }, 'quantrac is running')

  closeOnSignal(log, [
    () => simulation?.stop(),
    ...platform.closeSteps(),
    () => {
      for (const lock of locks) lock.release()
    },
  ])
  return -1
}
