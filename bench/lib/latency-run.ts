import type { GenerateFleetOptions } from '../../simulators/fleet.ts'
import { measureAlertLatency, socketIoAlerts } from './latency.ts'
import { type LoadResult, prepareLoad } from './load.ts'
import { PUBLISHERS } from './section.ts'
import type { LoopWindow, RunningSut } from './sut.ts'

export interface LatencyRunOptions {
  sut: RunningSut
  fleet: GenerateFleetOptions
  facilityId: string
  /** Sensors `{prefix}-{i}`, registered beforehand in `facilityId`. */
  sensorPrefix: string
  samples: number
  intervalMs: number
  backgroundReadingsPerSecond: number
  /**
   * Runs beside the probe once the background is going (another stream of alerts), told when the probe is
   * done; awaited after it.
   */
  alongside?: (probeDone: () => boolean) => Promise<void>
}

/**
 * Publish-to-alert on a socket.io client, one sample at a time, over a background load of the fleet's
 * readings: what sections 2 and 2b measure, with the platform's event-loop delay and garbage collections
 * over the probe (`loop`). A failure is returned as `error`, with every sample missed.
 */
export async function runAlertLatency(options: LatencyRunOptions) {
  const { sut, samples, intervalMs } = options
  const background = await prepareLoad({
    host: '127.0.0.1',
    port: sut.mqttPort,
    fleet: options.fleet,
    readingsPerSecond: options.backgroundReadingsPerSecond,
    durationMs: samples * intervalMs + 2_000,
    ...PUBLISHERS,
    ...sut.credentials,
  })
  let probe: Awaited<ReturnType<typeof measureAlertLatency>> = { latencies: [], pubacks: [], missed: samples }
  let backgroundResult: LoadResult | undefined
  let loop: LoopWindow | undefined
  let error: string | undefined
  try {
    const listener = await socketIoAlerts(sut.apiUrl as string, options.facilityId, sut.apiKey)
    try {
      const backgroundDone = background.run()
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      let probeDone = false
      await sut.sample() // starts the platform's loop window at the probe
      const beside = options.alongside?.(() => probeDone)
      probe = await measureAlertLatency({
        mqttUrl: `mqtt://127.0.0.1:${sut.mqttPort}`,
        listener,
        facilityId: options.facilityId,
        sensorPrefix: options.sensorPrefix,
        samples,
        intervalMs,
        timeoutMs: 2_000,
        ...sut.credentials,
      }).finally(() => {
        probeDone = true
      })
      loop = (await sut.sample()).sincePrevious
      await beside
      backgroundResult = await backgroundDone
    } finally {
      await listener.close()
    }
  } catch (err) {
    error = (err as Error).message
  } finally {
    await background.stop()
  }
  return { probe, background: backgroundResult, loop, error }
}
