import { fileURLToPath } from 'node:url'
import { type RunningInfluxd, startInfluxd } from '../../test/support/influxd.ts'
import { childPidsNamed } from './machine.ts'

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url))
export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url))

export interface SharedInfluxd {
  url: string
  /** influxd's pid, to charge its CPU and memory to the run; undefined if it could not be found. */
  pid: number | undefined
}

/** What every section gets: the mode, a progress printer, a shared influxd, and results of earlier sections. */
export interface BenchContext {
  quick: boolean
  progress(message: string): void
  influxd(): Promise<SharedInfluxd>
  /** Figures one section hands to another (the ceiling to end-to-end's ratio, say). */
  shared: Map<string, unknown>
  close(): Promise<void>
}

export function createContext(options: { quick: boolean; log?: (line: string) => void }): BenchContext {
  const started = Date.now()
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  let influxd: Promise<{ running: RunningInfluxd; pid: number | undefined }> | undefined

  return {
    quick: options.quick,
    progress(message) {
      log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`)
    },
    async influxd() {
      influxd ??= (async () => {
        log('           starting a throw-away influxd…')
        const running = await startInfluxd()
        return { running, pid: childPidsNamed(process.pid, 'influxd')[0] }
      })()
      const { running, pid } = await influxd
      return { url: running.url, pid }
    },
    shared: new Map(),
    async close() {
      if (influxd !== undefined) await (await influxd).running.stop()
    },
  }
}
