import { readingsPerMessage } from '../lib/load.ts'
import { runOffered } from '../lib/runs.ts'
import { BENCH_FLEET, PUBLISHERS, type Section } from '../lib/section.ts'
import { formatBytes, formatCount, formatMs } from '../lib/stats.ts'
import { startSut } from '../lib/sut.ts'

/** Offered far above what the broker can route, so the publishers run as fast as flow control lets them. */
const SATURATING_READINGS_PER_SECOND = 400_000

export interface CeilingFigures {
  readingsPerSecond: number
  messagesPerSecond: number
}

export const ceiling: Section = {
  id: 'ceiling',
  title: '1. Ceiling: raw broker pass-through',
  async run(ctx) {
    const durationMs = ctx.quick ? 2_000 : 10_000
    ctx.progress('ceiling: aedes + one counting MQTT.js subscriber, publishers saturating')
    const sut = await startSut({ mode: 'ceiling' })
    try {
      const run = await runOffered({
        mqttPort: sut.mqttPort,
        fleet: BENCH_FLEET,
        readingsPerSecond: SATURATING_READINGS_PER_SECOND,
        durationMs,
        pids: { broker: sut.pid },
        ...PUBLISHERS,
      })
      const sample = await sut.sample()
      const seconds = (run.load.lastAckMs - run.load.startMs) / 1000
      const messagesPerSecond = run.load.ackedMessages / seconds
      const figures: CeilingFigures = { readingsPerSecond: run.load.ackedPerSecond, messagesPerSecond }
      ctx.shared.set('ceiling', figures)
      ctx.progress(
        `ceiling: ${formatCount(messagesPerSecond)} messages/s = ${formatCount(run.load.ackedPerSecond)} readings/s`,
      )
      return {
        summary: [
          `**${formatCount(messagesPerSecond)} messages/s** (${formatCount(run.load.ackedPerSecond)} readings/s at ${readingsPerMessage(BENCH_FLEET).toFixed(2)} readings per message), QoS 1 in and out.`,
          `The subscriber received ${formatCount(sample.received)} of ${formatCount(run.load.ackedMessages)} acknowledged messages (${formatBytes(sample.receivedBytes / Math.max(1, sample.received))} per payload).`,
        ],
        tables: [
          {
            columns: ['measure', 'value'],
            rows: [
              ['messages acknowledged', formatCount(run.load.ackedMessages)],
              ['messages received by the subscriber', formatCount(sample.received)],
              ['window (first publish → last PUBACK)', formatMs(seconds * 1000, 0)],
              ['PUBACK p50 / p99', `${formatMs(run.load.pubackMs.p50)} / ${formatMs(run.load.pubackMs.p99)}`],
              ['broker process CPU', `${(run.cores.broker ?? Number.NaN).toFixed(2)} cores`],
              ['load generators CPU', `${run.load.generatorCores.toFixed(2)} cores`],
              ['whole machine busy', `${run.machineBusyCores.toFixed(2)} cores`],
              ['broker RSS', formatBytes(run.rss.broker ?? Number.NaN)],
            ],
          },
        ],
        notes: [
          'Same process layout as quantrac minus ingest’s work: aedes (quantrac’s `startBroker`, access hooks included) and one MQTT.js client subscribed to `quantrac/v1/readings/+/+` at QoS 1 in one process; it counts messages and parses nothing. Publishers: ' +
            `${PUBLISHERS.workers} forked processes × ${PUBLISHERS.connectionsPerWorker} connections, ≤ ${PUBLISHERS.window} unacknowledged QoS 1 publishes per connection, simulator payloads.`,
        ],
        data: { ...figures, run, subscriber: sample },
      }
    } finally {
      await sut.stop()
    }
  },
}
