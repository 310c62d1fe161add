import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports.ts'
import { startProcess, stopProcess, waitUntil } from './processes.ts'

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Starts Mosquitto (Debian's `mosquitto`) on a free loopback port, anonymous, for external-broker tests;
 * `settings` are more lines of mosquitto.conf.
 */
export async function startMosquitto(binary: string, settings: readonly string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-mosquitto-'))
  const port = await freePort()
  const configPath = join(dir, 'mosquitto.conf')
  const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', ...settings]
  await writeFile(configPath, `${lines.join('\n')}\n`)
  const running = startProcess(binary, ['-c', configPath])
  await waitUntil(
    () => accepts(port),
    10_000,
    () => `mosquitto did not listen on ${port}: ${running.output()}`,
  )
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      await stopProcess(running.child)
      await rm(dir, { recursive: true, force: true })
    },
  }
}
