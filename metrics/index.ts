import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { collectDefaultMetrics, register } from 'prom-client'

export { register }

/**
 * State shared by every copy of a metrics module in this process. prom-client's registry is process-wide;
 * a test runner that loads quantrac's modules once per test file must still find the metrics it made.
 */
export function processWide<T>(name: string, create: () => T): T {
  const key = Symbol.for(`quantrac.metrics.${name}`)
  const global = globalThis as unknown as Record<symbol, T | undefined>
  global[key] ??= create()
  return global[key]
}

/**
 * Process metrics (CPU, memory, event-loop lag, handles) once per process, whichever part asks first.
 * Everything quantrac measures lives in prom-client's default registry: one process, one /metrics.
 */
export function collectProcessMetrics(): void {
  processWide('process', () => {
    collectDefaultMetrics({ prefix: 'quantrac_' })
    return true
  })
}

/** The registry in Prometheus text format, with its content type. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest()

/**
 * Whether a request may read the metrics: always when the operator set no token (QUANTRAC_METRICS_TOKEN),
 * else only with `Authorization: Bearer <token>`. Digests are compared, so the time taken says nothing
 * about the token.
 */
export function mayScrape(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true
  return authorization !== undefined && timingSafeEqual(sha256(authorization), sha256(`Bearer ${token}`))
}

/**
 * A small HTTP listener for `GET /metrics`, for a broker or ingest running as its own process
 * (`QUANTRAC_METRICS_PORT`); in `quantrac start` the API serves /metrics instead.
 */
export function serveMetrics(
  host: string,
  port: number,
  token?: string,
): Promise<{ port: number; close(): Promise<void> }> {
  collectProcessMetrics()
  const server: Server = createServer(function metricsRequest(request, response) {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end()
      return
    }
    if (!mayScrape(request.headers.authorization, token)) {
      response.writeHead(401, { 'www-authenticate': 'Bearer' }).end()
      return
    }
    scrape().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      () => response.writeHead(500).end(),
    )
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      const address = server.address()
      resolve({
        port: typeof address === 'object' && address !== null ? address.port : port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      })
    })
  })
}
