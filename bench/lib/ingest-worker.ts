import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startProcess, stopProcess, waitUntil } from '../../test/support/processes.ts'
import { REPO_DIR } from './context.ts'

export interface IngestWorkerOptions {
  /** Its QUANTRAC_INGEST_CLIENT_ID: `quantrac-…`, one per worker. */
  clientId: string
  /** QUANTRAC_* settings every worker of the deployment shares (broker, registry, store, partitioning). */
  env: Record<string, string>
}

export interface IngestWorker {
  clientId: string
  pid: number
  /** What it logged at warn or above (pino levels 40+), the first {@link MAX_WARNINGS} lines. */
  warnings(): string[]
  /** Messages ingest refused on purpose since it started (its /metrics), or undefined once it is gone. */
  rejected(): Promise<number | undefined>
  /** SIGTERM: it gives its partitions back, flushes and exits. */
  stop(): Promise<void>
  /** SIGKILL, then its data directory (and spool) removed: a worker whose machine is gone. */
  kill(): Promise<void>
}

const START_TIMEOUT_MS = 120_000
const MAX_WARNINGS = 50

/**
 * Starts `quantrac ingest` as a process of its own, as an operator runs a worker, with a data directory
 * (its spool) of its own and its metrics on a port of its choosing; resolves once it serves them, its
 * partitions (if any) opened.
 */
export async function startIngestWorker(options: IngestWorkerOptions): Promise<IngestWorker> {
  const dataDir = await mkdtemp(join(tmpdir(), `quantrac-bench-${options.clientId}-`))
  const running = startProcess(process.execPath, [join(REPO_DIR, 'bin', 'quantrac.js'), 'ingest'], {
    ...options.env,
    QUANTRAC_DATA_DIR: dataDir,
    QUANTRAC_INGEST_CLIENT_ID: options.clientId,
    // Port 0: a free port picked beforehand may be taken meanwhile by one of the workers' own connections.
    QUANTRAC_METRICS_PORT: '0',
    QUANTRAC_LOG_LEVEL: 'info',
  })
  const { child } = running
  // The evidence when a run loses readings or stalls: the tail startProcess keeps is too short for it.
  const warnings: string[] = []
  let partial = ''
  const keepWarnings = (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      const level = /"level":(\d+)/.exec(line)?.[1]
      if (
        (level === undefined || Number(level) >= 40) &&
        line.trim() !== '' &&
        warnings.length < MAX_WARNINGS
      )
        warnings.push(line)
    }
  }
  child.stdout?.on('data', keepWarnings)
  child.stderr?.on('data', keepWarnings)
  const exited = () => child.exitCode !== null || child.signalCode !== null
  // The last line `quantrac ingest` logs as it starts, after `ingest taking readings`.
  const metricsLine = /metrics on http:\/\/[^:]+:(\d+)\/metrics/
  let metricsPort: number
  try {
    await waitUntil(
      async () => exited() || metricsLine.test(running.output()),
      START_TIMEOUT_MS,
      () => `${options.clientId} did not start: ${running.output()}`,
    )
    if (exited()) throw new Error(`${options.clientId} exited: ${running.output()}`)
    metricsPort = Number(metricsLine.exec(running.output())?.[1])
  } catch (err) {
    await stopProcess(child)
    await rm(dataDir, { recursive: true, force: true })
    throw err
  }
  return {
    clientId: options.clientId,
    pid: child.pid as number,
    warnings: () => [...warnings],
    async rejected() {
      try {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
        let total = 0
        for (const match of text.matchAll(/^quantrac_ingest_rejected_total(?:\{[^}]*\})? (\S+)$/gm))
          total += Number(match[1])
        return total
      } catch {
        return undefined
      }
    },
    async stop() {
      await stopProcess(child, 30_000)
      await rm(dataDir, { recursive: true, force: true })
    },
    async kill() {
      if (!exited()) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
        child.kill('SIGKILL')
        await gone
      }
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
