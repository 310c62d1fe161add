import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports.ts'
import { findOnPath, startProcess, stopProcess, waitUntil } from './processes.ts'

export interface RunningInfluxd {
  url: string
  /** Stops the server; `keepData` leaves the directory so a restart finds the same data. */
  stop(options?: { keepData?: boolean }): Promise<void>
  /** Starts it again on the same port and directory (for outage tests). */
  restart(): Promise<void>
}

export function influxdPath(): string | undefined {
  return findOnPath('influxd')
}

/**
 * Starts a throw-away InfluxDB 1.x (`influxd` from Debian's `influxdb` package) on free ports with its
 * data in a temporary directory, and waits until it answers /ping.
 */
export async function startInfluxd(): Promise<RunningInfluxd> {
  const binary = influxdPath()
  if (binary === undefined) throw new Error('influxd not found on PATH (Debian: apt-get install influxdb)')
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-influxd-'))
  const [httpPort, rpcPort] = [await freePort(), await freePort()]
  const configPath = join(dir, 'influxdb.conf')
  await writeFile(
    configPath,
    [
      'reporting-enabled = false',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      `[meta]\n  dir = "${dir}/meta"\n  logging-enabled = false`,
      `[data]\n  dir = "${dir}/data"\n  wal-dir = "${dir}/wal"\n  query-log-enabled = false`,
      '[monitor]\n  store-enabled = false',
      `[http]\n  bind-address = "127.0.0.1:${httpPort}"\n  log-enabled = false\n  max-body-size = 0`,
      '[continuous_queries]\n  enabled = false',
      '',
    ].join('\n'),
  )
  const url = `http://127.0.0.1:${httpPort}`
  let running = startProcess(binary, ['-config', configPath])
  const ready = () =>
    waitUntil(
      async () => (await fetch(`${url}/ping`)).status === 204,
      20_000,
      () => `influxd did not answer on ${url}: ${running.output()}`,
    )
  await ready()
  return {
    url,
    async stop(options) {
      await stopProcess(running.child)
      if (!options?.keepData) await rm(dir, { recursive: true, force: true })
    },
    async restart() {
      running = startProcess(binary, ['-config', configPath])
      await ready()
    },
  }
}
