import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type MetricsRegistry, mayScrape, scrape } from '../../../metrics/index.ts'
import { HttpError } from '../../http-errors.ts'

/**
 * `GET /metrics` in Prometheus text format: everything the platform measures (the registry it is given).
 * In `quantrac start` that is the broker, ingest and the API together; run apart, ingest and the broker
 * serve their own (QUANTRAC_METRICS_PORT). Outside /api/v1, so scraping needs no API key: labels hold no
 * sensor or facility ids, only reasons and streams. An operator who does not want even that open sets
 * QUANTRAC_METRICS_TOKEN, and Prometheus sends it (`authorization: { credentials: … }`).
 */
export default fp(
  async function metrics(fastify: FastifyInstance, options: { registry: MetricsRegistry; token?: string }) {
    fastify.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (!mayScrape(request.headers.authorization, options.token)) {
        reply.header('www-authenticate', 'Bearer')
        throw new HttpError(401, 'GET /metrics needs Authorization: Bearer <QUANTRAC_METRICS_TOKEN>')
      }
      const { contentType, body } = await scrape(options.registry)
      return reply.type(contentType).send(body)
    })
  },
  { name: 'metrics' },
)
