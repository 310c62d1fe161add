import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { type ApiSettings, apiSettings } from '../../api/config.ts'
import { buildApi } from '../../api/server.ts'
import { createMetricsRegistry } from '../../metrics/index.ts'
import { issueApiKey } from '../../registry/api-keys.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import { createSqliteStore } from '../../store/sqlite/store.ts'
import { type MemoryBroker, memoryBroker } from './memory-broker.ts'

export interface TestApiOptions {
  settings?: Partial<ApiSettings>
  /** A broker shared with other test APIs; a new one when omitted. */
  broker?: MemoryBroker
}

/**
 * The API as `quantrac api` builds it, on a SQLite registry and store in a temporary directory and an
 * in-memory broker: no server runs, requests go in with `inject`. `call` sends one as `key` (the admin's by
 * default; null for none).
 */
export async function startTestApi(options: TestApiOptions = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'quantrac-api-test-'))
  const registry = openSqliteRegistry(join(dataDir, 'registry.sqlite'))
  const store = createSqliteStore(join(dataDir, 'timeseries.sqlite'))
  const broker = options.broker ?? memoryBroker()
  const brokerClient = broker.client()
  const app = await buildApi({
    store,
    registry,
    alerts: registry,
    rejections: registry,
    notifications: registry,
    broker: brokerClient,
    settings: { ...apiSettings(), ...options.settings },
    metrics: createMetricsRegistry(),
    log: pino({ level: process.env.QUANTRAC_TEST_LOG ?? 'silent' }),
  }).catch(async (err: Error) => {
    // A test of a refused start gets the error, and nothing of the attempt stays open.
    await store.close()
    registry.close()
    await rm(dataDir, { recursive: true, force: true })
    throw err
  })
  await app.ready()
  const adminKey = (await issueApiKey(registry, { name: 'test admin', role: 'admin' })).token

  async function call(
    method: string,
    url: string,
    body?: unknown,
    key: string | null = adminKey,
    headers: Record<string, string> = {},
  ) {
    const auth = key === null ? {} : { authorization: `Bearer ${key}` }
    const csv = typeof body === 'string' ? { 'content-type': 'text/csv' } : {}
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...auth, ...csv, ...headers },
      payload: body as string | object | undefined,
    })
    const text = response.body
    const isJson = response.headers['content-type']?.toString().startsWith('application/json')
    return {
      status: response.statusCode,
      headers: response.headers,
      text,
      body: isJson && text !== '' ? JSON.parse(text) : undefined,
    }
  }

  return {
    app,
    registry,
    store,
    broker,
    dataDir,
    adminKey,
    call,
    /** Listens on a free port of 127.0.0.1, for socket.io clients; returns the base URL. */
    async listen(): Promise<string> {
      return app.listen({ host: '127.0.0.1', port: 0 })
    },
    async close() {
      await app.close()
      await brokerClient.close()
      await store.close()
      registry.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>
