import { timingSafeEqual } from 'node:crypto'
import type { AuthenticateError, Client, ConnectPacket, PublishPacket, Subscription } from 'aedes'
import type { Logger } from 'pino'
import { addressKey, createLoginThrottle, type LoginThrottleOptions } from '../core/login-throttle.ts'
import { ID_PATTERN, isServiceClientId, parseReadingsTopic, readingsTopic } from '../core/topics.ts'
import { digest, hashSecret, newSecret, verifySecret } from '../registry/credentials.ts'
import type { Registry } from '../registry/types.ts'

export interface AccessOptions {
  /** Lets clients connect without credentials: for local testing only, never on a network. */
  allowAnonymous: boolean
  /** Credentials of quantrac's own services (ingest, API). */
  serviceUsername?: string
  servicePassword?: string
  maxPayloadBytes: number
  /** Failed logins allowed per source address and per user name; DEFAULT_LOGIN_THROTTLE when omitted. */
  loginThrottle?: LoginThrottleOptions
  /**
   * Connections at once of the services' user name, and of anonymous clients together. A sensor has one:
   * its client id is its own id, so a second connection replaces the first [MQTT-3.1.4-2].
   */
  maxConnectionsPerUser?: number
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  failuresPerAddress: 10,
  failuresPerUsername: 5,
  windowMs: 60_000,
}
export const DEFAULT_MAX_CONNECTIONS_PER_USER = 64

/** Who a connected client is. Sensors authenticate with their id as user name and the password they were issued. */
export type Identity =
  | { kind: 'service' }
  | { kind: 'anonymous' }
  | { kind: 'sensor'; sensorId: string; topic: string; credentialVersion: number }

// One object for every service connection, and one for every anonymous one: they carry nothing else.
const SERVICE: Identity = Object.freeze({ kind: 'service' })
const ANONYMOUS: Identity = Object.freeze({ kind: 'anonymous' })

/** Why the broker refused a CONNECT, a PUBLISH or a SUBSCRIBE, or cut a connection. */
export const REFUSALS = {
  connection: [
    'anonymous',
    'bad-credentials',
    'throttled',
    'client-id',
    'will',
    'too-many-connections',
    'protocol-version',
  ],
  publish: ['reserved-topic', 'payload-too-large', 'topic'],
  subscribe: ['not-allowed'],
} as const
export type ConnectRefusal = (typeof REFUSALS.connection)[number]
type LoginRefusal = Exclude<ConnectRefusal, 'protocol-version'>
type PublishRefusal = (typeof REFUSALS.publish)[number]

export interface AccessCounters {
  connectionsRefused: number
  publishesRefused: number
  subscriptionsRefused: number
}

const SYS_PREFIX = '$SYS/'
/** MQTT 3.1 (protocol level 3) and 3.1.1 (level 4): what aedes speaks. */
const SPOKEN_PROTOCOLS = new Set([3, 4])
/** MQTT 3.1 caps client ids at 23 characters; aedes refuses longer ones under it. */
const MQTT_31_MAX_CLIENT_ID = 23
/** Untrusted strings are cut to this in log lines: a user name may be 64 KB. */
const LOGGED_CHARS = 128

// MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2.3]: the one each refusal answers with.
const RETURN_CODES: Record<LoginRefusal, AuthenticateError['returnCode']> = {
  anonymous: 5,
  'bad-credentials': 4,
  // Server unavailable: devices retry later, as they should, instead of giving up on their credentials.
  throttled: 3,
  'client-id': 2,
  will: 5,
  'too-many-connections': 3,
}
const REFUSAL_TEXT: Record<ConnectRefusal, string> = {
  anonymous: 'no credentials',
  'bad-credentials': 'bad credentials',
  throttled: 'too many failed logins',
  'client-id': 'client id not allowed for these credentials',
  will: 'will to a topic the client may not publish to',
  'too-many-connections': 'too many connections for this user',
  'protocol-version': 'protocol version not spoken (MQTT 3.1 and 3.1.1 only)',
}

function sameSecret(given: Buffer | undefined, expected: string): boolean {
  const wanted = Buffer.from(expected)
  return given !== undefined && given.length === wanted.length && timingSafeEqual(given, wanted)
}

function clip(text: string | undefined): string | undefined {
  return text === undefined || text.length <= LOGGED_CHARS ? text : `${text.slice(0, LOGGED_CHARS)}…`
}

/** The peer's address: the TCP socket's, or, over WebSocket, that of the HTTP request it upgraded. */
function remoteAddressOf(client: Client): string {
  return (
    (client.conn as { remoteAddress?: string }).remoteAddress ?? client.req?.socket.remoteAddress ?? 'unknown'
  )
}

/**
 * The broker's access hooks: `preConnect` (protocol versions), `authenticate` (services by their
 * configured credentials, sensors by the credentials the registry issued them, client ids, wills,
 * throttling, caps), `authorizePublish` (a sensor only to its own readings topic) and
 * `authorizeSubscribe` (services only). Every refusal is logged and counted with its reason.
 *
 * Client ids: a sensor's client id is its sensor id, so no one can take over another's session; ids
 * starting with `quantrac-` belong to the services' credentials; anonymous clients may use neither.
 */
export function createAccessControl(
  options: AccessOptions,
  registry: Pick<Registry, 'sensorAccess'>,
  log: Logger,
) {
  const counters: AccessCounters = { connectionsRefused: 0, publishesRefused: 0, subscriptionsRefused: 0 }
  const refusals = new Map<string, number>()
  const identities = new WeakMap<Client, Identity>()
  const sensorClients = new Map<string, Set<Client>>()
  // Connected clients of the services' user name and anonymous ones, by client id, for the cap.
  const userClients = { service: new Map<string, Client>(), anonymous: new Map<string, Client>() }
  const maxConnectionsPerUser = options.maxConnectionsPerUser ?? DEFAULT_MAX_CONNECTIONS_PER_USER
  // Wills announced in CONNECT, checked once the client is known.
  const wills = new WeakMap<Client, ConnectPacket['will']>()
  // Passwords already checked with the slow hash, by sensor: a reconnecting sensor costs a SHA-256, not scrypt.
  const verified = new Map<string, { version: number; digest: string }>()
  const throttleOptions = options.loginThrottle ?? DEFAULT_LOGIN_THROTTLE
  const throttle = createLoginThrottle(throttleOptions)
  // Throttled keys logged at warn, with when: once per window each, so a flood cannot flood the log.
  const throttleLogged = new Map<string, number>()
  // A refused login costs one scrypt, whatever was wrong, so its time says nothing about the user name.
  const dummyHash = hashSecret(newSecret())

  function count(kind: keyof typeof REFUSALS, reason: string): void {
    const key = `${kind}\u0000${reason}`
    refusals.set(key, (refusals.get(key) ?? 0) + 1)
  }

  async function refusedAfterHashing(password: Buffer | undefined): Promise<undefined> {
    await verifySecret(password?.toString('utf8') ?? '', await dummyHash)
    return undefined
  }

  async function identify(username: string, password: Buffer | undefined): Promise<Identity | undefined> {
    if (options.serviceUsername !== undefined && username === options.serviceUsername) {
      return sameSecret(password, options.servicePassword ?? '') ? SERVICE : refusedAfterHashing(password)
    }
    const access = ID_PATTERN.test(username) ? await registry.sensorAccess(username) : undefined
    if (access === undefined || access.status !== 'active' || access.secretHash === undefined || !password) {
      return refusedAfterHashing(password)
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

  /** Why `identity` may not publish `topic` with `bytes` of payload, or undefined when it may. */
  function publishRefusal(
    identity: Identity | undefined,
    topic: string,
    bytes: number,
  ): [PublishRefusal, string] | undefined {
    if (topic.startsWith(SYS_PREFIX)) return ['reserved-topic', `${SYS_PREFIX} topics are reserved`]
    if (identity?.kind === 'service') return undefined
    // The limit is for sensor messages; quantrac's services publish live-feed batches that may be larger
    // (bounded by the broker's packet guard), and refusing one would cut ingest off mid-stream.
    if (bytes > options.maxPayloadBytes) {
      return ['payload-too-large', `payload of ${bytes} bytes exceeds ${options.maxPayloadBytes}`]
    }
    if (identity?.kind === 'sensor') {
      return topic === identity.topic
        ? undefined
        : ['topic', `sensor ${identity.sensorId} may publish only to ${identity.topic}`]
    }
    if (identity?.kind === 'anonymous') {
      return parseReadingsTopic(topic) === undefined
        ? ['topic', 'anonymous clients may publish only readings']
        : undefined
    }
    return ['topic', 'not connected']
  }

  /** Why a client that proved who it is may still not connect as it asked, or undefined. */
  async function policyRefusal(client: Client, identity: Identity): Promise<LoginRefusal | undefined> {
    if (identity.kind === 'sensor' && client.id !== identity.sensorId) return 'client-id'
    if (identity.kind === 'anonymous') {
      // Neither a service's id nor a registered sensor's: an anonymous client must not take over their sessions.
      if (isServiceClientId(client.id)) return 'client-id'
      if (ID_PATTERN.test(client.id) && (await registry.sensorAccess(client.id)) !== undefined)
        return 'client-id'
    }
    const will = wills.get(client)
    if (will && publishRefusal(identity, will.topic, will.payload.length) !== undefined) return 'will'
    if (identity.kind !== 'sensor') {
      const connected = userClients[identity.kind]
      // The same client id reconnecting replaces its old connection: that one does not count.
      const others = connected.size - (connected.has(client.id) ? 1 : 0)
      if (others >= maxConnectionsPerUser) return 'too-many-connections'
    }
    return undefined
  }

  function admit(client: Client, identity: Identity): void {
    // Gone while its password was checked: aedes drops it, and its socket will not close again.
    if (client.closed || (client.conn as { destroyed?: boolean }).destroyed) return
    // Released when its socket closes, whatever happens to the CONNECT after this (aedes does not announce
    // a client that closed before it was registered). One listener for all: a closure per client cost more.
    client.conn.on('close', releaseOnClose)
    identities.set(client, identity)
    if (identity.kind === 'sensor') {
      const clients = sensorClients.get(identity.sensorId) ?? new Set()
      sensorClients.set(identity.sensorId, clients.add(client))
    } else {
      userClients[identity.kind].set(client.id, client)
    }
  }

  /** A connection's 'close' listener: aedes keeps its client on the connection (`conn.client`). */
  function releaseOnClose(this: Client['conn']): void {
    const client = (this as { client?: Client }).client
    if (client !== undefined) release(client)
  }

  function release(client: Client): void {
    const identity = identities.get(client)
    if (identity === undefined) return
    if (identity.kind !== 'sensor') {
      const connected = userClients[identity.kind]
      // Another connection with this id may have replaced this one: that one stays.
      if (connected.get(client.id) === client) connected.delete(client.id)
      return
    }
    const clients = sensorClients.get(identity.sensorId)
    clients?.delete(client)
    if (clients?.size === 0) sensorClients.delete(identity.sensorId)
  }

  function refuseConnect(
    client: Client,
    username: string | undefined,
    reason: LoginRefusal,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
    detail: Record<string, unknown> = {},
  ): void {
    counters.connectionsRefused++
    count('connection', reason)
    const entry = {
      clientId: clip(client.id),
      username: clip(username),
      remoteAddress: remoteAddressOf(client),
      reason,
      ...detail,
    }
    const message = `MQTT connection refused: ${REFUSAL_TEXT[reason]}`
    const throttledKey =
      detail.throttled === 'username' ? `username\u0000${username}` : `address\u0000${entry.remoteAddress}`
    if (reason === 'throttled' && !firstThrottledInWindow(throttledKey)) log.debug(entry, message)
    else log.warn(entry, message)
    const error = new Error(REFUSAL_TEXT[reason]) as AuthenticateError
    error.returnCode = RETURN_CODES[reason]
    done(error, false)
  }

  function firstThrottledInWindow(key: string): boolean {
    const now = Date.now()
    const last = throttleLogged.get(key)
    if (last !== undefined && now - last < throttleOptions.windowMs) return false
    if (throttleLogged.size >= 10_000) throttleLogged.clear()
    throttleLogged.set(key, now)
    return true
  }

  function preConnect(client: Client, packet: ConnectPacket, callback: (error: null, ok: boolean) => void) {
    const version = packet.protocolVersion ?? 4
    const longId = version === 3 && (packet.clientId ?? '').length > MQTT_31_MAX_CLIENT_ID
    if (!SPOKEN_PROTOCOLS.has(version) || longId) {
      const reason: ConnectRefusal = longId ? 'client-id' : 'protocol-version'
      counters.connectionsRefused++
      count('connection', reason)
      log.warn(
        {
          clientId: clip(packet.clientId),
          username: clip(packet.username),
          remoteAddress: remoteAddressOf(client),
          reason,
          protocolVersion: version,
        },
        longId
          ? `MQTT connection refused: MQTT 3.1 allows client ids of ${MQTT_31_MAX_CLIENT_ID} characters at most`
          : `MQTT connection refused: ${REFUSAL_TEXT[reason]}; connect MQTT 5 devices through an external broker`,
      )
    } else if (packet.will) {
      wills.set(client, packet.will)
    }
    // aedes itself answers these with CONNACK 1 (unacceptable protocol version) or 2 [MQTT-3.1.2-2].
    callback(null, true)
  }

  /** Who the client is and whether it may connect as it asked: its identity, or why not. */
  async function decideLogin(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<{ identity: Identity } | { refusal: LoginRefusal; detail?: Record<string, unknown> }> {
    let identity: Identity
    if (username === undefined || username === '') {
      if (!options.allowAnonymous) return { refusal: 'anonymous' }
      identity = ANONYMOUS
    } else {
      const attempt = await throttle.admit(addressKey(remoteAddressOf(client)), username)
      if (typeof attempt === 'string') return { refusal: 'throttled', detail: { throttled: attempt } }
      const found = await identify(username, password).catch((err: Error) => {
        attempt.undecided()
        throw err
      })
      if (found === undefined) {
        attempt.failed()
        return { refusal: 'bad-credentials' }
      }
      attempt.succeeded()
      identity = found
    }
    const refusal = await policyRefusal(client, identity)
    return refusal === undefined ? { identity } : { refusal }
  }

  function authenticate(
    client: Client,
    username: Readonly<string> | undefined,
    password: Readonly<Buffer> | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ) {
    decideLogin(client, username, password as Buffer | undefined).then(
      (outcome) => {
        if ('refusal' in outcome)
          return refuseConnect(client, username, outcome.refusal, done, outcome.detail)
        admit(client, outcome.identity)
        done(null, true)
      },
      (err: Error) => {
        log.error({ err, clientId: clip(client.id) }, 'MQTT authentication failed')
        done(err as AuthenticateError, false)
      },
    )
  }

  function authorizePublish(
    client: Client | null,
    packet: PublishPacket,
    done: (error?: Error | null) => void,
  ) {
    // A null client is the broker publishing a will on its own: it was checked when the client connected.
    if (client === null) return done(null)
    const refusal = publishRefusal(identities.get(client), packet.topic, packet.payload.length)
    if (refusal === undefined) return done(null)
    // MQTT 3.1.1 cannot refuse a single PUBLISH: the broker closes the connection [MQTT-3.3.5-2].
    counters.publishesRefused++
    count('publish', refusal[0])
    log.warn(
      { clientId: clip(client.id), topic: clip(packet.topic), reason: refusal[0], detail: refusal[1] },
      'MQTT publish refused',
    )
    done(new Error(refusal[1]))
  }

  function authorizeSubscribe(
    client: Client | null,
    subscription: Subscription,
    done: (error: Error | null, subscription?: Subscription | null) => void,
  ) {
    // Readings, the live feed and registry changes are for quantrac's services only.
    const identity = client === null ? undefined : identities.get(client)
    if (identity?.kind === 'service') return done(null, subscription)
    counters.subscriptionsRefused++
    count('subscribe', 'not-allowed')
    log.warn(
      { clientId: clip(client?.id), topic: clip(subscription.topic), kind: identity?.kind },
      'MQTT subscription refused: only the services subscribe',
    )
    // A negated subscription: SUBACK 0x80 for this topic, the connection stays [MQTT-3.9.3-2].
    done(null, null)
  }

  return {
    preConnect,
    authenticate,
    authorizePublish,
    authorizeSubscribe,
    counters,
    /** Refusals so far, by kind and reason. */
    refusals(): { kind: string; reason: string; count: number }[] {
      return [...refusals].map(([key, total]) => {
        const [kind = '', reason = ''] = key.split('\u0000')
        return { kind, reason, count: total }
      })
    },
    identityOf: (client: Client) => identities.get(client),
    /** The connected clients of a sensor (usually one). */
    clientsOf: (sensorId: string): ReadonlySet<Client> => sensorClients.get(sensorId) ?? new Set(),
    /** Forgets the verified password of a sensor whose credentials changed. */
    forget: (sensorId: string) => verified.delete(sensorId),
  }
}

export type AccessControl = ReturnType<typeof createAccessControl>
