import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'
import { freePort } from './ports.ts'
import { findOnPath, startProcess, stopProcess, waitUntil } from './processes.ts'

export interface RunningRedis {
  url: string
  stop(): Promise<void>
}

/** Debian's `redis-server` (package `redis-server`), or undefined when it is not installed. */
export function redisServerPath(): string | undefined {
  return findOnPath('redis-server') ?? findOnPath('/usr/bin/redis-server')
}

/**
 * Starts a throw-away Redis on a free loopback port, its working directory a temporary one and nothing
 * saved (no RDB, no AOF), and waits until it answers PING.
 */
export async function startRedis(binary: string): Promise<RunningRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-redis-'))
  const port = await freePort()
  const configPath = join(dir, 'redis.conf')
  await writeFile(
    configPath,
    [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'save ""', 'appendonly no', 'daemonize no', ''].join(
      '\n',
    ),
  )
  const running = startProcess(binary, [configPath])
  const url = `redis://127.0.0.1:${port}`
  await waitUntil(
    async () => {
      const client = createClient({ url, socket: { reconnectStrategy: false } })
      client.on('error', () => {})
      try {
        await client.connect()
        return (await client.ping()) === 'PONG'
      } finally {
        if (client.isOpen) await client.close()
      }
    },
    10_000,
    () => `redis-server did not answer on ${url}: ${running.output()}`,
  )
  return {
    url,
    async stop() {
      await stopProcess(running.child)
      await rm(dir, { recursive: true, force: true })
    },
  }
}
