import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Server } from 'socket.io'

declare module 'fastify' {
  interface FastifyInstance {
    io: Server
  }
}

/**
 * socket.io on the API's HTTP server. At scale several API instances share rooms through
 * socket.io's Redis adapter; nothing here assumes a single instance.
 */
export default fp(
  async function socketIo(fastify: FastifyInstance) {
    const io = new Server(fastify.server, { serveClient: false })
    fastify.decorate('io', io)
    fastify.addHook('preClose', async () => {
      io.local.disconnectSockets(true)
    })
    fastify.addHook('onClose', async () => {
      await io.close()
    })
  },
  { name: 'socket-io' },
)
