import { InfluxDB } from '@influxdata/influxdb-client'
import { StoreUnavailableError } from '../errors.ts'

export interface InfluxConnectionOptions {
  url: string
  /** The 1.x database; on 2.x the bucket, which 2.2+ maps to a database of the same name for /query. */
  database: string
  /** 2.x: API token. Writes then go through @influxdata/influxdb-client to /api/v2/write. */
  token?: string
  /** 2.x: organisation of the bucket. */
  org?: string
  /** 1.x with authentication enabled. */
  username?: string
  password?: string
}

/** A write that failed. Retryable failures (network, 5xx, 429) are worth trying again; the rest never are. */
export class InfluxWriteError extends Error {
  override name = 'InfluxWriteError'
  readonly status: number | undefined
  readonly retryable: boolean
  constructor(message: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options)
    this.status = status
    this.retryable = status === undefined || status >= 500 || status === 429
  }
}

export interface InfluxConnection {
  /** Writes newline-separated line protocol with millisecond timestamps. */
  write(lines: string): Promise<void>
  /** Runs InfluxQL through the v1 /query endpoint (served by 1.x and, for compatibility, by 2.x). */
  query(influxql: string): Promise<unknown>
  /** Creates the database on 1.x; on 2.x the bucket is provisioned with the server. */
  ensureDatabase(): Promise<void>
  /** Resolves when the server answers `/ping` (1.x and 2.x); throws StoreUnavailableError otherwise. */
  ping(): Promise<void>
}

/** Long enough for a loaded server, short enough that /health answers while a load balancer waits. */
const PING_TIMEOUT_MS = 3_000

export function connectInflux(options: InfluxConnectionOptions): InfluxConnection {
  const base = options.url.replace(/\/+$/, '')
  // Error messages reach the log: never with credentials written into the URL.
  const printable = withoutCredentials(base)
  const headers: Record<string, string> = {}
  if (options.token) headers.authorization = `Token ${options.token}`
  else if (options.username)
    headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`

  const writeV2 =
    options.token === undefined
      ? undefined
      : new InfluxDB({ url: base, token: options.token }).getWriteApi(
          options.org ?? '',
          options.database,
          'ms',
          {
            // quantrac batches and retries itself, so failures reach its own writer and nothing is buffered twice.
            batchSize: Number.MAX_SAFE_INTEGER,
            flushInterval: 0,
            maxRetries: 0,
          },
        )

  async function writeV1(lines: string): Promise<void> {
    let response: Response
    try {
      response = await fetch(`${base}/write?db=${encodeURIComponent(options.database)}&precision=ms`, {
        method: 'POST',
        headers,
        body: lines,
      })
    } catch (err) {
      throw new InfluxWriteError(`InfluxDB unreachable at ${printable}`, undefined, { cause: err })
    }
    if (response.status !== 204) {
      throw new InfluxWriteError(
        `InfluxDB refused the write (${response.status}): ${await response.text()}`,
        response.status,
      )
    }
  }

  async function writeThroughClient(lines: string): Promise<void> {
    try {
      writeV2!.writeRecords(lines.split('\n'))
      await writeV2!.flush()
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode
      throw new InfluxWriteError(`InfluxDB write failed: ${(err as Error).message}`, status, { cause: err })
    }
  }

  async function query(influxql: string): Promise<unknown> {
    const params = new URLSearchParams({ db: options.database, q: influxql, epoch: 'ms' })
    let response: Response
    try {
      response = await fetch(`${base}/query`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: params,
      })
    } catch (err) {
      throw new StoreUnavailableError(`InfluxDB unreachable at ${printable}`, { cause: err })
    }
    if (response.status >= 500) {
      throw new StoreUnavailableError(
        `InfluxDB at ${printable} failed (${response.status}): ${await response.text()}`,
      )
    }
    if (!response.ok) throw new Error(`InfluxDB query failed (${response.status}): ${await response.text()}`)
    return response.json()
  }

  async function ping(): Promise<void> {
    let response: Response
    try {
      response = await fetch(`${base}/ping`, { headers, signal: AbortSignal.timeout(PING_TIMEOUT_MS) })
    } catch (err) {
      throw new StoreUnavailableError(`InfluxDB unreachable at ${printable}`, { cause: err })
    }
    await response.body?.cancel()
    if (response.status !== 204 && response.status !== 200) {
      throw new StoreUnavailableError(`InfluxDB at ${printable} answered /ping with ${response.status}`)
    }
  }

  return {
    write: writeV2 ? writeThroughClient : writeV1,
    query,
    ping,
    async ensureDatabase() {
      if (options.token) return
      await query(`CREATE DATABASE "${options.database.replace(/"/g, '')}"`)
    },
  }
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url)
  parsed.username = ''
  parsed.password = ''
  return parsed.toString().replace(/\/$/, '')
}
