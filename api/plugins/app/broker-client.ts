import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { BrokerClient } from '../../broker-client.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The API's client of the broker: the live feed in, the registry's change announcements in and out. */
    broker: BrokerClient
  }
}

/** The broker client the caller connected and passed in; the caller closes it, after the API. */
export default fp(
  async function brokerClient(fastify: FastifyInstance, options: { client: BrokerClient }) {
    fastify.decorate('broker', options.client)
  },
  { name: 'broker-client' },
)
