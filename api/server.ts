import Fastify, { type FastifyBaseLogger, LogController } from 'fastify'
import type { Logger } from 'pino'
import { PortInUseError } from '../core/config.ts'
import app, { type AppOptions } from './app.ts'

export interface ApiOptions extends AppOptions {
  host: string
  port: number
  log: Logger
}

/** The API on its fastify instance, ready but not listening: what `startApi` serves and tests `inject` into. */
export async function buildApi(options: AppOptions & { log: Logger }) {
  const fastify = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    // Request lines would drown the platform's own log; errors are still logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
  })
  await fastify.register(app, options)
  return fastify
}

/** Builds the API, listens, and returns its address and a close that stops taking requests first. */
export async function startApi(options: ApiOptions) {
  const fastify = await buildApi(options)
  try {
    await fastify.listen({ host: options.host, port: options.port })
  } catch (err) {
    await fastify.close()
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(
        `HTTP port ${options.port} on ${options.host} is already in use: stop the other server or set QUANTRAC_HTTP_PORT`,
      )
    }
    throw err
  }
  const address = fastify.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  return {
    fastify,
    port,
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    close: () => fastify.close(),
  }
}

export type RunningApi = Awaited<ReturnType<typeof startApi>>
