import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { collectProcessMetrics, scrape } from '../../../metrics/index.ts'

/**
 * `GET /metrics` in Prometheus text format: everything this process measures. In `quantrac start` that is
 * the broker, ingest and the API together; run apart, ingest and the broker serve their own
 * (QUANTRAC_METRICS_PORT). Outside /api/v1, so scraping needs no API key: labels hold no sensor or
 * facility ids, only reasons and streams.
 */
export default fp(
  async function metrics(fastify: FastifyInstance) {
    collectProcessMetrics()
    fastify.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const { contentType, body } = await scrape()
      return reply.type(contentType).send(body)
    })
  },
  { name: 'metrics' },
)
