import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NODE_PATH, QUANTRAC, quantrac } from '../support/cli.ts'
import { freePort } from '../support/ports.ts'
import { startProcess, stopProcess, waitUntil } from '../support/processes.ts'

/**
 * `quantrac admin revoke-key` against a running `quantrac start`, both as subprocesses: with the services'
 * credentials the command line announces the revocation as the API does, so the key's open live connection
 * closes at once. The API's own recheck is set to 10 minutes, far beyond the test's wait.
 */
describe('the command line announces a revoked key to the running platform', () => {
  let scratch: string
  let env: NodeJS.ProcessEnv
  let url: string
  let running: ReturnType<typeof startProcess>
  let socket: Socket | undefined

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'quantrac-announce-'))
    const [httpPort, mqttPort] = [await freePort(), await freePort()]
    env = {
      QUANTRAC_DATA_DIR: join(scratch, 'data'),
      QUANTRAC_HTTP_PORT: String(httpPort),
      QUANTRAC_MQTT_PORT: String(mqttPort),
      QUANTRAC_MQTT_USERNAME: 'services',
      QUANTRAC_MQTT_PASSWORD: 'the services password of this test',
      QUANTRAC_LIVE_RECHECK_S: '600',
      QUANTRAC_DEMO: 'false',
    }
    url = `http://127.0.0.1:${httpPort}`
    running = startProcess(process.execPath, [...QUANTRAC, 'start'], { PATH: NODE_PATH, ...env })
    await waitUntil(
      async () => (await fetch(`${url}/health`).catch(() => undefined))?.ok === true,
      60_000,
      () => `quantrac start did not come up: ${running.output()}`,
    )
  }, 90_000)
  afterAll(async () => {
    socket?.close()
    if (running !== undefined) await stopProcess(running.child)
    await rm(scratch, { recursive: true, force: true })
  })

  it('closes the key’s live connection at once, and says so', async () => {
    const created = await quantrac(
      ['admin', 'create-key', '--role', 'regulator', '--name', 'wall screen'],
      env,
    )
    expect(created.code, created.stderr).toBe(0)
    const token = created.stdout.trim()
    const keyId = token.split('_')[1]!
    socket = io(url, { transports: ['websocket'], reconnection: false, auth: { token } })
    const refused = new Promise<string>((resolve) => socket!.on('disconnect', (reason) => resolve(reason)))
    await waitUntil(
      async () => socket!.connected,
      30_000,
      () => 'the live feed did not open',
    )
    const revoked = await quantrac(['admin', 'revoke-key', keyId], env)
    expect(revoked.code, revoked.stderr).toBe(0)
    expect(revoked.stderr).toContain(`revoked key ${keyId}; open live connections were told to close`)
    expect(await refused).toBe('io server disconnect')
  }, 60_000)

  it('without the services’ credentials, says when the connections close instead', async () => {
    const created = await quantrac(['admin', 'create-key', '--role', 'regulator'], env)
    const keyId = created.stdout.trim().split('_')[1]!
    const { QUANTRAC_MQTT_PASSWORD: _, ...withoutPassword } = env
    const revoked = await quantrac(['admin', 'revoke-key', keyId], withoutPassword)
    expect(revoked.code, revoked.stderr).toBe(0)
    expect(revoked.stderr).toContain(
      'open live connections close at the API’s next check (QUANTRAC_LIVE_RECHECK_S)',
    )
  })
})
