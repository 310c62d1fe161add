import type { FastifyError, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import { ConflictError, InvalidValueError, NotFoundError } from '../../../registry/errors.ts'
import { StoreUnavailableError } from '../../../store/errors.ts'
import { errorBody } from '../../http-errors.ts'

/**
 * One error shape for every failure: `{statusCode, error, message}`. Validation errors say which
 * field is wrong and why; 5xx messages are logged and replaced, so internals never reach a client.
 */
export default fp(
  async function errorHandler(fastify: FastifyInstance) {
    fastify.setErrorHandler(function handleError(err: FastifyError, request, reply) {
      if (hasZodFastifySchemaValidationErrors(err)) {
        const problems = err.validation.map((issue) => {
          const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
          return `${err.validationContext ?? 'request'}${field ? `.${field}` : ''}: ${issue.message}`
        })
        return reply.code(400).send(errorBody(400, problems.join('; ')))
      }
      if (isResponseSerializationError(err)) {
        request.log.error({ err, issues: err.cause.issues }, 'response does not match its schema')
        return reply.code(500).send(errorBody(500, 'Internal Server Error'))
      }
      if (err instanceof NotFoundError) return reply.code(404).send(errorBody(404, err.message))
      if (err instanceof ConflictError) return reply.code(409).send(errorBody(409, err.message))
      if (err instanceof InvalidValueError) return reply.code(400).send(errorBody(400, err.message))
      if (err instanceof StoreUnavailableError) {
        // Worth saying: the caller can try again, and the operator knows where to look (GET /health).
        request.log.warn({ err }, 'time-series store unavailable')
        return reply
          .code(503)
          .header('retry-after', '30')
          .send(
            errorBody(
              503,
              `the time-series store (${fastify.store.kind}) cannot be reached: try again later`,
            ),
          )
      }
      const status = err.statusCode !== undefined && err.statusCode >= 400 ? err.statusCode : 500
      if (status >= 500) {
        request.log.error({ err, request: { method: request.method, url: request.url } }, 'request failed')
        return reply.code(status).send(errorBody(status, 'Internal Server Error'))
      }
      return reply.code(status).send(errorBody(status, err.message))
    })
    fastify.setNotFoundHandler(function handleNotFound(request, reply) {
      reply.code(404).send(errorBody(404, `no route ${request.method} ${request.url.split('?')[0]}`))
    })
  },
  { name: 'error-handler' },
)
