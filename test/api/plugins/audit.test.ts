import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { apiSettings } from '../../../api/config.ts'
import audit from '../../../api/plugins/app/audit.ts'
import auth from '../../../api/plugins/app/auth.ts'
import errorHandler from '../../../api/plugins/app/error-handler.ts'
import services from '../../../api/plugins/app/services.ts'
import cookie from '../../../api/plugins/external/cookie.ts'
import { issueApiKey } from '../../../registry/api-keys.ts'
import { openSqliteRegistry, type SqliteRegistry } from '../../../registry/sqlite/registry.ts'
import { createSqliteStore } from '../../../store/sqlite/store.ts'
import type { TimeSeriesStore } from '../../../store/types.ts'

let dir: string
let registry: SqliteRegistry
let store: TimeSeriesStore
let app: FastifyInstance | undefined
let token: string

/** The app's own plugins for authentication and the audit trail, around the routes a test adds; started. */
async function build(routes: (fastify: FastifyInstance) => void): Promise<FastifyInstance> {
  const fastify = Fastify()
  fastify.setValidatorCompiler(validatorCompiler)
  fastify.setSerializerCompiler(serializerCompiler)
  await fastify.register(errorHandler)
  await fastify.register(services, {
    store,
    registry,
    alerts: registry,
    rejections: registry,
    notifications: registry,
  })
  await fastify.register(cookie)
  await fastify.register(auth, { sessions: apiSettings().sessions })
  await fastify.register(audit)
  fastify.register(async (scoped) => routes(scoped))
  return fastify
}

const post = (path: string) =>
  app!.inject({ method: 'POST', url: path, headers: { authorization: `Bearer ${token}` }, payload: {} })

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantrac-audit-'))
  registry = openSqliteRegistry(join(dir, 'registry.sqlite'))
  store = createSqliteStore(join(dir, 'timeseries.sqlite'))
  token = (await issueApiKey(registry, { name: 'Lê Văn Quản', role: 'admin' })).token
})

afterEach(async () => {
  await app?.close()
  app = undefined
  await store.close()
  registry.close()
  await rm(dir, { recursive: true, force: true })
})

describe('the audit trail of the API', () => {
  it('refuses to start with a write route under /api that names no audit action', async () => {
    const starting = build((fastify) => {
      fastify.post('/api/v1/things', { config: { roles: ['admin'] } }, async () => ({ ok: true }))
    })
    await expect(starting).rejects.toThrow(
      /POST \/api\/v1\/things changes something and declares no audit action/,
    )
  })

  it('lets GET routes and routes outside /api go without one', async () => {
    app = await build((fastify) => {
      fastify.get('/api/v1/things', { config: { roles: ['admin'] } }, async () => ({ ok: true }))
      fastify.post('/hooks/ping', async () => ({ ok: true }))
    })
    expect(app.printRoutes()).toContain('things')
  })

  it('answers 500 when a write route succeeded without recording its change', async () => {
    app = await build((fastify) => {
      fastify.post(
        '/api/v1/organisations',
        { config: { roles: ['admin'], audit: 'organisation.register' } },
        async () => ({ ok: true }),
      )
    })
    const response = await post('/api/v1/organisations')
    expect(response.statusCode).toBe(500)
    expect(response.json().message).toBe('Internal Server Error')
  })

  it('records who changed what, with the route’s action and the key’s id, name and role', async () => {
    app = await build((fastify) => {
      fastify.post(
        '/api/v1/organisations',
        { config: { roles: ['admin'], audit: 'organisation.register' } },
        async (request) => {
          await request.recordChange({ target: { type: 'organisation', id: 'o1' }, after: { id: 'o1' } })
          return { ok: true }
        },
      )
    })
    expect((await post('/api/v1/organisations')).statusCode).toBe(200)
    const { items } = await registry.listAudit({ limit: 10, offset: 0 })
    expect(items).toEqual([
      {
        id: expect.any(Number),
        at: expect.any(Number),
        actor: { keyId: expect.any(String), name: 'Lê Văn Quản', role: 'admin' },
        action: 'organisation.register',
        target: { type: 'organisation', id: 'o1' },
        after: { id: 'o1' },
      },
    ])
    expect(token).toContain(items[0]!.actor.keyId)
  })

  it('records nothing for a refused request', async () => {
    app = await build((fastify) => {
      fastify.post(
        '/api/v1/organisations',
        { config: { roles: ['admin'], audit: 'organisation.register' } },
        async (_request, reply) =>
          reply.code(409).send({ statusCode: 409, error: 'Conflict', message: 'exists' }),
      )
    })
    expect((await post('/api/v1/organisations')).statusCode).toBe(409)
    expect((await registry.listAudit({ limit: 10, offset: 0 })).total).toBe(0)
  })
})
