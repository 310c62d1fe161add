import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Socket } from 'socket.io'
import {
  FACILITY_CHANGES_SUBSCRIPTION,
  KEY_CHANGES_SUBSCRIPTION,
  parseAccessChangeTopic,
  USER_CHANGES_SUBSCRIPTION,
} from '../../../core/topics.ts'
import type { SessionLifetime } from '../../../registry/accounts.ts'
import { isKeyActive } from '../../../registry/api-keys.ts'
import { canReach, type Principal } from '../../access.ts'
import { idSchema } from '../../schemas/common.ts'
import { principalForSession, principalOf, SESSION_COOKIE } from './auth.ts'
import { facilityRoom, roomFacility } from './live-relay.ts'

export interface LiveSocketOptions {
  /** Facilities one socket may watch at once. */
  maxRoomsPerSocket: number
  /** Sockets one API key may hold open on this instance. */
  maxSocketsPerKey: number
  /**
   * How often every open socket's key is read again: catches what no announcement told, a key revoked
   * with `quantrac admin` or an announcement missed while the broker was away.
   */
  recheckIntervalMs: number
  sessions: SessionLifetime
}

// setTimeout holds at most 2^31 − 1 ms (~24.8 days); a later expiry is armed again when that fires.
const LONGEST_TIMER_MS = 2 ** 31 - 1

type Answer = (answer: object) => void

/** socket.io hands over whatever the client sent as the last argument: only a function is an ack. */
function answerOf(ack: unknown): Answer {
  return typeof ack === 'function' ? (ack as Answer) : () => {}
}

function principalOfSocket(socket: Socket): Principal {
  return socket.data.principal as Principal
}

/**
 * Who may hold a live socket and watch which facility. A client connects with its API key
 * (`io(url, { auth: { token: 'qk_…' } })`), or a signed-in page with its session cookie, and joins facilities with `socket.emit('join', facilityId, ack)`
 * — only ones that exist and its key reaches, at most `maxRoomsPerSocket` at once.
 *
 * Access follows the registry while a socket stays open: when a key is revoked, or a facility's contractors
 * change, the API that made the change announces it over MQTT (`quantrac/v1/registry/keys/{id}`,
 * `…/facilities/{id}`); every instance reads the registry again for the sockets it holds, disconnects those
 * whose key no longer opens the API (after a `key-refused` event) and takes others out of the rooms they no
 * longer reach (a `left` event). A key's expiry disconnects its sockets by a timer.
 */
export default fp(
  async function liveSockets(fastify: FastifyInstance, options: LiveSocketOptions) {
    const io = fastify.io
    /** This instance's sockets by key: for the cap, and for whom an announcement concerns. */
    const socketsByKey = new Map<string, Set<Socket>>()

    function release(socket: Socket) {
      const { keyId } = principalOfSocket(socket)
      const sockets = socketsByKey.get(keyId)
      sockets?.delete(socket)
      if (sockets?.size === 0) socketsByKey.delete(keyId)
      clearTimeout(socket.data.expiry)
    }

    /** A key in the handshake's auth, else the browser's session cookie (sent with the handshake, same origin). */
    function principalOfHandshake(socket: Socket): Promise<Principal> {
      const token = (socket.handshake.auth as { token?: unknown }).token
      if (typeof token === 'string') return fastify.authenticate(token)
      const sessionId = fastify.parseCookie(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE]
      if (sessionId === undefined || sessionId === '') return fastify.authenticate(undefined)
      // Cross-site WebSocket hijacking: a cookie rides along whoever opens the socket; only our own pages may.
      const { origin, host } = socket.handshake.headers
      if (origin !== undefined && URL.parse(origin)?.host !== host) {
        return Promise.reject(
          new Error('a signed-in live connection is opened from quantrac’s own page only'),
        )
      }
      socket.data.sessionId = sessionId
      return fastify.authenticateSession(sessionId)
    }

    io.use(function authenticateSocket(socket, next) {
      principalOfHandshake(socket).then(
        (principal) => {
          const sockets = socketsByKey.get(principal.keyId) ?? new Set()
          if (sockets.size >= options.maxSocketsPerKey) {
            return next(
              new Error(
                `this key has ${sockets.size} live connections open, the most allowed: close one first`,
              ),
            )
          }
          // Counted from here, not from `connection`, so handshakes arriving together cannot all pass.
          socketsByKey.set(principal.keyId, sockets.add(socket))
          socket.data.principal = principal
          socket.conn.once('close', () => release(socket))
          socket.once('disconnect', () => release(socket))
          next()
        },
        (err: Error) => next(err),
      )
    })

    function armExpiry(socket: Socket) {
      clearTimeout(socket.data.expiry)
      const { expiresAt } = principalOfSocket(socket)
      if (expiresAt === undefined) return
      const delay = Math.min(Math.max(expiresAt - Date.now(), 0), LONGEST_TIMER_MS)
      socket.data.expiry = setTimeout(() => void recheck([socket]), delay).unref()
    }

    function refuse(sockets: Iterable<Socket>, message: string) {
      for (const socket of sockets) {
        socket.emit('key-refused', { message })
        socket.disconnect(true)
      }
    }

    function narrow(socket: Socket, principal: Principal) {
      socket.data.principal = principal
      for (const room of socket.rooms) {
        const facilityId = roomFacility(room)
        if (facilityId === undefined || canReach(principal, facilityId)) continue
        void socket.leave(room)
        socket.emit('left', { facilityId, message: `this key no longer reaches facility ${facilityId}` })
      }
      armExpiry(socket)
    }

    /** A signed-in person's socket: its session must still open the API (not ended, expired or disabled). */
    async function recheckSession(socket: Socket) {
      let principal: Principal
      try {
        principal = await principalForSession(fastify.registry, socket.data.sessionId, options.sessions)
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 401) throw err
        return refuse([socket], 'signed out: the session ended, expired or its account was disabled')
      }
      narrow(socket, principal)
    }

    /** Reads the registry again for these sockets: disconnects, or narrows, what their keys no longer allow. */
    async function recheck(sockets: Iterable<Socket>) {
      const byKey = Map.groupBy(sockets, (socket) => principalOfSocket(socket).keyId)
      for (const [keyId, keySockets] of byKey) {
        try {
          if (principalOfSocket(keySockets[0]!).userId !== undefined) {
            for (const socket of keySockets) await recheckSession(socket)
            continue
          }
          const key = await fastify.registry.findApiKey(keyId)
          if (key === undefined || !isKeyActive(key, Date.now())) {
            refuse(keySockets, 'unknown, revoked or expired API key')
            continue
          }
          const principal = await principalOf(fastify.registry, key)
          for (const socket of keySockets) narrow(socket, principal)
        } catch (err) {
          fastify.log.error({ err, keyId }, 'live feed: could not check a key again')
        }
      }
    }

    const sockets = () => io.of('/').sockets.values()

    fastify.broker.onMessage(function onAccessChange(topic) {
      const change = parseAccessChangeTopic(topic)
      if (change?.kind === 'key') void recheck(socketsByKey.get(change.keyId) ?? [])
      else if (change?.kind === 'user') void recheck(socketsByKey.get(`user:${change.userId}`) ?? [])
      // Only contractors' reach follows a facility's record (its contractors); officers' is their key's.
      else if (change?.kind === 'facility') {
        void recheck([...sockets()].filter((socket) => principalOfSocket(socket).role === 'contractor'))
      }
    })
    await fastify.broker.subscribe(KEY_CHANGES_SUBSCRIPTION)
    await fastify.broker.subscribe(USER_CHANGES_SUBSCRIPTION)
    await fastify.broker.subscribe(FACILITY_CHANGES_SUBSCRIPTION)

    const sweep = setInterval(() => void recheck([...sockets()]), options.recheckIntervalMs).unref()
    fastify.addHook('onClose', async () => clearInterval(sweep))

    io.on('connection', function onConnection(socket) {
      armExpiry(socket)

      async function join(facilityId: unknown, answer: Answer) {
        const parsed = idSchema.safeParse(facilityId)
        if (!parsed.success) return answer({ ok: false, error: 'facilityId must be a valid facility id' })
        const id = parsed.data
        const principal = principalOfSocket(socket)
        // A scoped key hears the same for another tenant's facility and for one that does not exist.
        if (!canReach(principal, id))
          return answer({ ok: false, error: `this key does not reach facility ${id}` })
        if (principal.facilities === 'all' && (await fastify.registry.getFacility(id)) === undefined) {
          return answer({ ok: false, error: `no facility ${id}` })
        }
        if (!socket.connected) return
        const room = facilityRoom(id)
        // socket.rooms holds the socket's own room besides the facilities it watches.
        if (!socket.rooms.has(room) && socket.rooms.size - 1 >= options.maxRoomsPerSocket) {
          return answer({
            ok: false,
            error: `a connection may watch at most ${options.maxRoomsPerSocket} facilities: leave one first`,
          })
        }
        await socket.join(room)
        // Answered once this instance receives the facility's feed: what is ingested after the ack reaches it.
        if (!(await fastify.liveSubscriptions.held(id))) {
          void socket.leave(room)
          return answer({ ok: false, error: `the live feed of facility ${id} is unavailable now: try again` })
        }
        answer({ ok: true, facilityId: id })
      }

      socket.on('join', (facilityId: unknown, ack?: unknown) => {
        const answer = answerOf(ack)
        join(facilityId, answer).catch((err: Error) => {
          fastify.log.error({ err }, 'live feed: join failed')
          answer({ ok: false, error: 'the join could not be checked: try again' })
        })
      })

      socket.on('leave', function leave(facilityId: unknown, ack?: unknown) {
        if (typeof facilityId === 'string') void socket.leave(facilityRoom(facilityId))
        answerOf(ack)({ ok: true })
      })
    })
  },
  { name: 'live-sockets', dependencies: ['socket-io', 'broker-client', 'auth', 'cookie', 'live-relay'] },
)
