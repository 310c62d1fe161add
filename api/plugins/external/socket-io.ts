import { createAdapter } from '@socket.io/redis-adapter'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createClient } from 'redis'
import { Server } from 'socket.io'
import { ConfigError } from '../../../core/config.ts'

declare module 'fastify' {
  interface FastifyInstance {
    io: Server
  }
}

export interface SocketIoOptions {
  /** socket.io's Redis adapter on this Redis: several API instances form one socket.io cluster. */
  redisUrl?: string
}

/** How long the start waits for Redis before it fails, naming it: a wrong address must not hang the start. */
const REDIS_CONNECT_TIMEOUT_MS = 10_000

/**
 * socket.io's Redis adapter over two connections (the adapter's subscriber cannot issue commands). Connected
 * before the API listens; after that, node-redis reconnects by itself, and an outage only costs what goes
 * through the adapter (the live feed does not: live-relay.ts emits on each instance locally).
 */
async function redisAdapter(fastify: FastifyInstance, url: string) {
  const log = fastify.log.child({ component: 'redis' })
  const publisher = createClient({ url, socket: { connectTimeout: REDIS_CONNECT_TIMEOUT_MS } })
  const subscriber = publisher.duplicate()
  // The URL may hold a password: the log names the server by host only.
  const where = URL.parse(url)?.host ?? 'the configured Redis'
  for (const client of [publisher, subscriber]) {
    client.on('error', (err: Error) => log.warn({ err }, `Redis at ${where}: connection error`))
  }
  const close = async () => {
    for (const client of [publisher, subscriber]) if (client.isOpen) await client.close()
  }
  // At start, the first failure stops it, naming the setting: later, node-redis reconnects by itself.
  let timer: NodeJS.Timeout | undefined
  let refuse: (err: Error) => void = () => {}
  const unreachable = new Promise<never>((_, reject) => {
    refuse = (err) =>
      reject(new ConfigError(`QUANTRAC_REDIS_URL: cannot reach Redis at ${where} (${err.message})`))
    timer = setTimeout(
      () => refuse(new Error(`no answer within ${REDIS_CONNECT_TIMEOUT_MS} ms`)),
      REDIS_CONNECT_TIMEOUT_MS,
    )
  })
  publisher.once('error', refuse)
  subscriber.once('error', refuse)
  try {
    await Promise.race([Promise.all([publisher.connect(), subscriber.connect()]), unreachable])
  } catch (err) {
    publisher.destroy()
    subscriber.destroy()
    throw err
  } finally {
    clearTimeout(timer)
    publisher.off('error', refuse)
    subscriber.off('error', refuse)
  }
  log.info(`socket.io shares its rooms through Redis at ${where}`)
  return { adapter: createAdapter(publisher, subscriber), close }
}

/**
 * socket.io on the API's HTTP server. With `redisUrl`, several API instances form one socket.io cluster
 * through the Redis adapter; nothing here assumes a single instance.
 */
export default fp<SocketIoOptions>(
  async function socketIo(fastify: FastifyInstance, options: SocketIoOptions) {
    const redis = options.redisUrl === undefined ? undefined : await redisAdapter(fastify, options.redisUrl)
    const io = new Server(fastify.server, { serveClient: false })
    // Set before any plugin reads a namespace's adapter: setting it later replaces the adapters.
    if (redis !== undefined) io.adapter(redis.adapter)
    fastify.decorate('io', io)
    fastify.addHook('preClose', async () => {
      io.local.disconnectSockets(true)
    })
    fastify.addHook('onClose', async () => {
      await io.close()
      await redis?.close()
    })
  },
  { name: 'socket-io' },
)
