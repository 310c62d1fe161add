import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { runSimulateCli, type SimulateCliIo } from '../../simulators/cli.ts'
import { eventually, startTestBroker, type TestBroker } from './broker.ts'

function captureIo(env: NodeJS.ProcessEnv = {}): SimulateCliIo & { lines: string[] } {
  const lines: string[] = []
  return { env, lines, stderr: (line) => lines.push(line), log: pino({ level: 'silent' }) }
}

describe('quantrac simulate', () => {
  let broker: TestBroker | undefined

  afterEach(async () => {
    await broker?.close()
    broker = undefined
  })

  it.each([
    [['--rate', '0'], '--rate'],
    [['--rate', 'fast'], '--rate'],
    [['--facilities', '2.5'], '--facilities'],
    [['--sensors', '0'], '--sensors'],
    [['--scenario', 'chaos'], '--scenario'],
    [['--duration', '-1'], '--duration'],
    [['--seed', '-3'], '--seed'],
    [['--mqtt-url', 'http://localhost'], '--mqtt-url'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['stray'], 'stray'],
  ])('exits 2 with a clear message for %j', async (argv, mention) => {
    const io = captureIo()
    expect(await runSimulateCli(argv, io)).toBe(2)
    expect(io.lines.join('\n')).toContain(mention)
    expect(io.lines.join('\n')).toContain('usage: quantrac simulate')
  })

  it('prints its usage for --help and exits 0', async () => {
    const io = captureIo()
    expect(await runSimulateCli(['--help'], io)).toBe(0)
    expect(io.lines.join('\n')).toMatch(/--scenario NAME\s+normal \| exceedance \| faulty/)
  })

  it('exits 1 when the broker cannot be reached', async () => {
    const io = captureIo({ QUANTRAC_MQTT_URL: 'mqtt://127.0.0.1:1' })
    expect(await runSimulateCli(['--duration', '1'], io)).toBe(1)
    expect(io.lines.join('\n')).toContain('cannot connect to mqtt://127.0.0.1:1')
  })

  it('publishes for --duration seconds to QUANTRAC_MQTT_URL, then prints a summary with the seed', async () => {
    broker = await startTestBroker()
    const io = captureIo({ QUANTRAC_MQTT_URL: broker.url })
    const argv = ['--facilities', '2', '--sensors', '3', '--rate', '20', '--duration', '0.5', '--seed', '42']
    expect(await runSimulateCli(argv, io)).toBe(0)
    const output = io.lines.join('\n')
    expect(output).toContain('2 facilities × 6 sensors at 20 Hz, scenario normal')
    expect(output).toMatch(/stopped \(duration\) after \d+\.\d s: published \d+/)
    expect(output).toContain('replay with --seed 42')
    const received = broker.received
    await eventually(() => received.length > 30, 2_000, 'the published readings')
    const topics = new Set(broker.received.map((m) => m.topic))
    expect(topics).toContain('quantrac/v1/readings/sim-002/sim-002-s03')
  })
})
