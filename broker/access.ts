import { timingSafeEqual } from 'node:crypto'
import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes'
import type { Logger } from 'pino'

export interface AccessOptions {
  /** Lets clients connect without credentials: for a local demo only, never on a network. */
  allowAnonymous: boolean
  /** Credentials of quantrac's own services (ingest, API, simulators until sensors get their own). */
  serviceUsername?: string
  servicePassword?: string
  maxPayloadBytes: number
}

export interface AccessCounters {
  connectionsRefused: number
  publishesRefused: number
}

const SYS_PREFIX = '$SYS/'
// MQTT 3.1.1 CONNACK return code 4: bad user name or password.
const BAD_CREDENTIALS = 4

function sameSecret(given: Buffer | undefined, expected: string): boolean {
  const wanted = Buffer.from(expected)
  return given !== undefined && given.length === wanted.length && timingSafeEqual(given, wanted)
}

/**
 * The broker's access hooks. Per-sensor credentials and topic scopes come with the registry's access
 * control; until then a client is either a service (the configured credentials) or, when the demo allows
 * it, anonymous.
 */
export function createAccessControl(options: AccessOptions, log: Logger) {
  const counters: AccessCounters = { connectionsRefused: 0, publishesRefused: 0 }

  function authenticate(
    client: Client,
    username: Readonly<string> | undefined,
    password: Readonly<Buffer> | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ) {
    if (options.serviceUsername !== undefined && username === options.serviceUsername) {
      if (sameSecret(password as Buffer | undefined, options.servicePassword ?? '')) return done(null, true)
    } else if (username === undefined && options.allowAnonymous) {
      return done(null, true)
    }
    counters.connectionsRefused++
    log.warn({ clientId: client.id, username }, 'MQTT connection refused: bad credentials')
    const error = new Error('bad user name or password') as AuthenticateError
    error.returnCode = BAD_CREDENTIALS
    done(error, false)
  }

  function authorizePublish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void) {
    if (packet.topic.startsWith(SYS_PREFIX)) return refuse(client, packet, `${SYS_PREFIX} topics are reserved`, done)
    if (packet.payload.length > options.maxPayloadBytes) {
      return refuse(client, packet, `payload of ${packet.payload.length} bytes exceeds ${options.maxPayloadBytes}`, done)
    }
    done(null)
  }

  // MQTT 3.1.1 cannot refuse a single PUBLISH: the broker closes the connection [MQTT-3.3.5-2].
  function refuse(client: Client | null, packet: PublishPacket, reason: string, done: (error?: Error) => void) {
    counters.publishesRefused++
    log.warn({ clientId: client?.id, topic: packet.topic, reason }, 'MQTT publish refused')
    done(new Error(reason))
  }

  function authorizeSubscribe(
    _client: Client | null,
    subscription: Subscription,
    done: (error: Error | null, subscription?: Subscription | null) => void,
  ) {
    done(null, subscription)
  }

  return { authenticate, authorizePublish, authorizeSubscribe, counters }
}
