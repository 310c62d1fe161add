import { timingSafeEqual } from 'node:crypto'
import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes'
import type { Logger } from 'pino'
import { parseReadingsTopic, readingsTopic } from '../core/topics.ts'
import { digest, verifySecret } from '../registry/credentials.ts'
import type { Registry } from '../registry/types.ts'

export interface AccessOptions {
  /** Lets clients connect without credentials: for local testing only, never on a network. */
  allowAnonymous: boolean
  /** Credentials of quantrac's own services (ingest, API). */
  serviceUsername?: string
  servicePassword?: string
  maxPayloadBytes: number
}

/** Who a connected client is. Sensors authenticate with their id as user name and the password they were issued. */
export type Identity =
  | { kind: 'service' }
  | { kind: 'anonymous' }
  | { kind: 'sensor'; sensorId: string; topic: string; credentialVersion: number }

export interface AccessCounters {
  connectionsRefused: number
  publishesRefused: number
  subscriptionsRefused: number
}

const SYS_PREFIX = '$SYS/'
// MQTT 3.1.1 CONNACK return codes 4 (bad user name or password) and 5 (not authorised).
const BAD_CREDENTIALS = 4

function sameSecret(given: Buffer | undefined, expected: string): boolean {
  const wanted = Buffer.from(expected)
  return given !== undefined && given.length === wanted.length && timingSafeEqual(given, wanted)
}

/**
 * The broker's access hooks: `authenticate` (services by their configured credentials, sensors by the
 * credentials the registry issued them), `authorizePublish` (a sensor only to its own readings topic) and
 * `authorizeSubscribe` (sensors to nothing). Every refusal is logged and counted.
 */
export function createAccessControl(
  options: AccessOptions,
  registry: Pick<Registry, 'sensorAccess'>,
  log: Logger,
) {
  const counters: AccessCounters = { connectionsRefused: 0, publishesRefused: 0, subscriptionsRefused: 0 }
  const identities = new WeakMap<Client, Identity>()
  const sensorClients = new Map<string, Set<Client>>()
  // Passwords already checked with the slow hash, by sensor: a reconnecting sensor costs a SHA-256, not scrypt.
  const verified = new Map<string, { version: number; digest: string }>()

  async function identify(
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<Identity | undefined> {
    if (username === undefined || username === '')
      return options.allowAnonymous ? { kind: 'anonymous' } : undefined
    if (options.serviceUsername !== undefined && username === options.serviceUsername) {
      return sameSecret(password, options.servicePassword ?? '') ? { kind: 'service' } : undefined
    }
    const access = await registry.sensorAccess(username)
    if (access === undefined || access.status !== 'active' || access.secretHash === undefined || !password) {
      return undefined
    }
    const secret = password.toString('utf8')
    const cached = verified.get(access.id)
    const fresh = cached?.version === access.credentialVersion && cached.digest === digest(secret)
    if (!fresh) {
      if (!(await verifySecret(secret, access.secretHash))) return undefined
      verified.set(access.id, { version: access.credentialVersion, digest: digest(secret) })
    }
    return {
      kind: 'sensor',
      sensorId: access.id,
      topic: readingsTopic(access.facilityId, access.id),
      credentialVersion: access.credentialVersion,
    }
  }

  function authenticate(
    client: Client,
    username: Readonly<string> | undefined,
    password: Readonly<Buffer> | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ) {
    identify(username, password as Buffer | undefined).then(
      (identity) => {
        if (identity !== undefined) {
          identities.set(client, identity)
          if (identity.kind === 'sensor') {
            const clients = sensorClients.get(identity.sensorId) ?? new Set()
            sensorClients.set(identity.sensorId, clients.add(client))
          }
          return done(null, true)
        }
        counters.connectionsRefused++
        log.warn({ clientId: client.id, username }, 'MQTT connection refused: bad credentials')
        const error = new Error('bad user name or password') as AuthenticateError
        error.returnCode = BAD_CREDENTIALS
        done(error, false)
      },
      (err: Error) => {
        log.error({ err, clientId: client.id }, 'MQTT authentication failed')
        done(err as AuthenticateError, false)
      },
    )
  }

  function authorizePublish(
    client: Client | null,
    packet: PublishPacket,
    done: (error?: Error | null) => void,
  ) {
    // A null client is the broker publishing a will on its own: it was authorised when the will was set.
    if (client === null) return done(null)
    if (packet.topic.startsWith(SYS_PREFIX))
      return refuse(client, packet, `${SYS_PREFIX} topics are reserved`, done)
    const identity = identities.get(client)
    // The limit is for sensor messages; quantrac's services publish live-feed batches that may be larger
    // (bounded by the broker's packet guard), and refusing one would cut ingest off mid-stream.
    if (identity?.kind !== 'service' && packet.payload.length > options.maxPayloadBytes) {
      return refuse(
        client,
        packet,
        `payload of ${packet.payload.length} bytes exceeds ${options.maxPayloadBytes}`,
        done,
      )
    }
    if (identity?.kind === 'sensor' && packet.topic !== identity.topic) {
      return refuse(client, packet, `sensor ${identity.sensorId} may publish only to ${identity.topic}`, done)
    }
    if (identity?.kind === 'anonymous' && parseReadingsTopic(packet.topic) === undefined) {
      return refuse(client, packet, 'anonymous clients may publish only readings', done)
    }
    done(null)
  }

  // MQTT 3.1.1 cannot refuse a single PUBLISH: the broker closes the connection [MQTT-3.3.5-2].
  function refuse(client: Client, packet: PublishPacket, reason: string, done: (error?: Error) => void) {
    counters.publishesRefused++
    log.warn({ clientId: client.id, topic: packet.topic, reason }, 'MQTT publish refused')
    done(new Error(reason))
  }

  function authorizeSubscribe(
    client: Client | null,
    subscription: Subscription,
    done: (error: Error | null, subscription?: Subscription | null) => void,
  ) {
    const identity = client === null ? undefined : identities.get(client)
    if (identity?.kind !== 'sensor') return done(null, subscription)
    counters.subscriptionsRefused++
    log.warn(
      { clientId: client?.id, topic: subscription.topic },
      'MQTT subscription refused: sensors subscribe to nothing',
    )
    // A negated subscription: SUBACK 0x80 for this topic, the connection stays [MQTT-3.9.3-2].
    done(null, null)
  }

  return {
    authenticate,
    authorizePublish,
    authorizeSubscribe,
    counters,
    identityOf: (client: Client) => identities.get(client),
    /** The connected clients of a sensor (usually one). */
    clientsOf: (sensorId: string): ReadonlySet<Client> => sensorClients.get(sensorId) ?? new Set(),
    /** Called when a client disconnects. */
    release(client: Client): void {
      const identity = identities.get(client)
      if (identity?.kind !== 'sensor') return
      const clients = sensorClients.get(identity.sensorId)
      clients?.delete(client)
      if (clients?.size === 0) sensorClients.delete(identity.sensorId)
    },
    /** Forgets the verified password of a sensor whose credentials changed. */
    forget: (sensorId: string) => verified.delete(sensorId),
  }
}

export type AccessControl = ReturnType<typeof createAccessControl>
