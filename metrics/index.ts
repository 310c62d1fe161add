import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { collectDefaultMetrics, Registry } from 'prom-client'

export type MetricsRegistry = Registry

/**
 * One platform's registry, with the process metrics (CPU, memory, event-loop lag, handles). The composition
 * root makes one and hands it to each part it starts, so a platform's /metrics shows what it measured and
 * two platforms in one process (tests) count apart.
 */
export function createMetricsRegistry(): MetricsRegistry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'quantrac_' })
  return registry
}

/** The registry in Prometheus text format, with its content type. */
export async function scrape(registry: MetricsRegistry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() }
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
  registry: MetricsRegistry,
  host: string,
  port: number,
  token?: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer(function metricsRequest(request, response) {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end()
      return
    }
    if (!mayScrape(request.headers.authorization, token)) {
      response.writeHead(401, { 'www-authenticate': 'Bearer' }).end()
      return
    }
    scrape(registry).then(
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
