import { createServer, type Server } from 'node:net'
import { Aedes } from 'aedes'
import type { Logger } from 'pino'
import { PortInUseError } from '../core/config.ts'
import { type AccessOptions, createAccessControl } from './access.ts'

export interface BrokerOptions extends AccessOptions {
  host: string
  port: number
}

export interface RunningBroker {
  readonly broker: Aedes
  readonly port: number
  readonly counters: ReturnType<typeof createAccessControl>['counters']
  close(): Promise<void>
}

/** Starts an aedes broker on TCP with quantrac's access hooks. */
export async function startBroker(options: BrokerOptions, log: Logger): Promise<RunningBroker> {
  const access = createAccessControl(options, log)
  const broker = await Aedes.createBroker({
    // A subscriber that stops reading must not stall delivery to every other client.
    drainTimeout: 30_000,
    concurrency: 1000,
  })
  broker.authenticate = access.authenticate
  broker.authorizePublish = access.authorizePublish
  broker.authorizeSubscribe = access.authorizeSubscribe
  broker.on('clientError', function logClientError(client, err) {
    log.debug({ clientId: client.id, err }, 'MQTT client error')
  })

  const server = createServer(broker.handle)
  const port = await listen(server, options.host, options.port)
  log.info({ host: options.host, port }, `MQTT broker listening on mqtt://${options.host}:${port}`)
  if (options.allowAnonymous) {
    log.warn('MQTT broker accepts anonymous clients: for a local demo only (QUANTRAC_MQTT_ALLOW_ANONYMOUS)')
  }

  return {
    broker,
    port,
    counters: access.counters,
    async close() {
      // Stop accepting first, then let aedes disconnect its clients.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await closed
    },
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new PortInUseError(`MQTT port ${port} on ${host} is already in use: stop the other broker or set QUANTRAC_MQTT_PORT`)
          : err,
      )
    })
    server.listen(port, host, () => {
      const address = server.address()
      resolve(typeof address === 'object' && address !== null ? address.port : port)
    })
  })
}
