import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { collectProcessMetrics, mayScrape, scrape } from '../../../metrics/index.ts'
import { HttpError } from '../../http-errors.ts'

/**
 * `GET /metrics` in Prometheus text format: everything this process measures. In `quantrac start` that is
 * the broker, ingest and the API together; run apart, ingest and the broker serve their own
 * (QUANTRAC_METRICS_PORT). Outside /api/v1, so scraping needs no API key: labels hold no sensor or
 * facility ids, only reasons and streams. An operator who does not want even that open sets
 * QUANTRAC_METRICS_TOKEN, and Prometheus sends it (`authorization: { credentials: … }`).
 */
export default fp(
  async function metrics(fastify: FastifyInstance, options: { token?: string }) {
    collectProcessMetrics()
    fastify.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (!mayScrape(request.headers.authorization, options.token)) {
        reply.header('www-authenticate', 'Bearer')
        throw new HttpError(401, 'GET /metrics needs Authorization: Bearer <QUANTRAC_METRICS_TOKEN>')
      }
      const { contentType, body } = await scrape()
      return reply.type(contentType).send(body)
    })
  },
  { name: 'metrics' },
)
