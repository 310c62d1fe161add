/**
 * Memory per idle MQTT connection of a server (raw `net`, bare aedes, quantrac's broker), measured in a
 * process of its own after garbage collection: forks idle-memory-server.ts with --expose-gc, measures it
 * empty, opens the connections from load-worker processes (raw sockets, one hand-built CONNECT each, so
 * the client side costs nothing in the server), measures again and divides the difference by the count.
 *
 * `node bench/lib/idle-memory.ts [--mode net,aedes,quantrac] [--connections 10000] [--constructors]
 * [--node-flags=--max-semi-space-size=1] [--gc major|memory-pressure]` prints the figures, and with
 * --constructors what grew most by JS constructor (from heap snapshots).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type {
  FromIdleServer,
  IdleServerGc,
  IdleServerMemory,
  IdleServerMode,
  ToIdleServer,
} from './idle-memory-server.ts'
import { type LoadResult, openIdleConnections, prepareLoad } from './load.ts'
import { processCpuMs } from './machine.ts'

export interface IdleMemoryStep {
  connections: number
  /** Bytes per connection, after GC, above the server's own figure with no connections. */
  perConnection: { rss: number; heapUsed: number; youngGeneration: number; external: number }
  /**
   * RSS per connection added since the previous step, in the same process: what one more connection costs
   * once the heap has grown its young generation (a per-process cost, not a per-connection one).
   */
  marginalRss: number | undefined
  memory: IdleServerMemory
  connectMs: number
  /** With `constructors`: growth per connection by constructor since no connections, largest first. */
  constructors?: { name: string; count: number; bytes: number }[]
}

/** A QoS 1 load run on the server with its idle connections still open: what the heap settings cost. */
export interface IdleServerLoad {
  ackedMessagesPerSecond: number
  /** The server's CPU time per 1,000 acknowledged publishes, in ms. */
  cpuMsPerThousand: number
  pubackMs: LoadResult['pubackMs']
}

export interface IdleMemory {
  mode: IdleServerMode
  gc: IdleServerGc
  nodeFlags: string[]
  load?: IdleServerLoad
  empty: IdleServerMemory
  steps: IdleMemoryStep[]
}

const SERVER_URL = new URL('./idle-memory-server.ts', import.meta.url)

/**
 * Open files this process may have (RLIMIT_NOFILE, soft and hard). A server holding N sockets needs N
 * descriptors; without CAP_SYS_RESOURCE no process can raise its hard limit.
 */
export function openFileLimit(): { soft: number; hard: number } | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'))
    const [soft, hard] = (line?.match(/\d+|unlimited/g) ?? []).map((v) =>
      v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v),
    )
    return soft === undefined || hard === undefined ? undefined : { soft, hard }
  } catch {
    return undefined
  }
}

/** Descriptors a server process keeps for itself besides its sockets (stdio, IPC, epoll, libuv). */
const SERVER_OWN_FILES = 64
/**
 * Connections one load worker opens at most: it needs a descriptor for each too, within the soft limit
 * it inherits from this process.
 */
const CONNECTIONS_PER_WORKER = Math.min(5_000, (openFileLimit()?.soft ?? Number.POSITIVE_INFINITY) - 64)

/** Local ports a client address may use towards one server port (net.ipv4.ip_local_port_range). */
export function localPortRange(): number | undefined {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)
    return Number(high) - Number(low) + 1
  } catch {
    return undefined
  }
}

/**
 * How many connections one server process here can hold, and what bounds it: the open-file hard limit
 * (the probe raises its soft limit to it) less the server's own descriptors, or the local ports, since
 * every client connects from 127.0.0.1 to the one server port.
 */
export function largestIdleCount(): { count: number; boundBy: 'open files' | 'local ports' | 'none' } {
  const files = (openFileLimit()?.hard ?? Number.POSITIVE_INFINITY) - SERVER_OWN_FILES
  const ports = localPortRange() ?? Number.POSITIVE_INFINITY
  if (files === Number.POSITIVE_INFINITY && ports === Number.POSITIVE_INFINITY) {
    return { count: files, boundBy: 'none' }
  }
  return files <= ports ? { count: files, boundBy: 'open files' } : { count: ports, boundBy: 'local ports' }
}

/**
 * The server's command: through `sh`, which raises its soft open-file limit to the hard one first (Node
 * cannot), then runs Node in its place, the IPC channel kept.
 */
function serverCommand(nodeFlags: string[]): [string, string[]] {
  return [
    '/bin/sh',
    [
      '-c',
      'ulimit -S -n "$(ulimit -H -n)" && exec "$0" "$@"',
      process.execPath,
      '--expose-gc',
      ...nodeFlags,
      fileURLToPath(SERVER_URL),
    ],
  ]
}

function next<T extends FromIdleServer['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<FromIdleServer, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`idle-connection server sent no ${type} within ${timeoutMs} ms`))
    }, timeoutMs)
    function onMessage(message: FromIdleServer) {
      if (message.type === 'error') {
        cleanup()
        reject(new Error(`idle-connection server failed: ${message.message}`))
      } else if (message.type === type) {
        cleanup()
        resolve(message as never)
      }
    }
    function onExit(code: number | null) {
      cleanup()
      reject(new Error(`idle-connection server exited with ${code}`))
    }
    function cleanup() {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

async function measure(
  child: ChildProcess,
  constructors: boolean,
  gc: IdleServerGc,
): Promise<IdleServerMemory> {
  const answer = next(child, 'memory', 300_000)
  child.send({ type: 'measure', constructors, gc } satisfies ToIdleServer)
  const { type: _, ...memory } = await answer
  return memory
}

/** Growth per connection by constructor between two snapshots, largest first. */
function constructorGrowth(
  before: IdleServerMemory,
  after: IdleServerMemory,
  connections: number,
): { name: string; count: number; bytes: number }[] {
  const earlier = new Map((before.constructors ?? []).map((c) => [c.name, c]))
  return (after.constructors ?? [])
    .map((c) => ({
      name: c.name,
      count: (c.count - (earlier.get(c.name)?.count ?? 0)) / connections,
      bytes: (c.bytes - (earlier.get(c.name)?.bytes ?? 0)) / connections,
    }))
    .filter((c) => c.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
}

const youngGeneration = (m: IdleServerMemory) =>
  m.spaces.filter((space) => space.name.startsWith('new_')).reduce((sum, space) => sum + space.size, 0)

/**
 * Starts a `mode` server, then opens idle clients to it up to each of `counts` (ascending) in turn, and
 * measures what they cost at each.
 */
export async function measureIdleMemory(options: {
  mode: IdleServerMode
  counts: number[]
  constructors?: boolean
  /** More flags for the server's Node (V8 heap settings, say). */
  nodeFlags?: string[]
  /** Waits this long with the connections open before measuring. */
  settleMs?: number
  /** The garbage collection before each measurement: `major` when omitted. */
  gc?: IdleServerGc
  /** Then, the connections still open, offers this QoS 1 load (the services' credentials, no subscriber). */
  load?: { readingsPerSecond: number; durationMs: number }
}): Promise<IdleMemory> {
  const nodeFlags = options.nodeFlags ?? []
  const gc = options.gc ?? 'major'
  const child = spawn(...serverCommand(nodeFlags), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const opened: { close(): Promise<void> }[] = []
  try {
    const ready = next(child, 'ready', 60_000)
    child.send({ type: 'start', mode: options.mode } satisfies ToIdleServer)
    const { port, username, password } = await ready
    const constructors = options.constructors === true
    const empty = await measure(child, constructors, gc)
    const steps: IdleMemoryStep[] = []
    let held = 0
    let previous: IdleServerMemory | undefined
    for (const count of options.counts) {
      const more = count - held
      const started = performance.now()
      opened.push(
        await openIdleConnections({
          host: '127.0.0.1',
          port,
          connections: more,
          workers: Math.max(1, Math.ceil(more / CONNECTIONS_PER_WORKER)),
          clientIdPrefix: `idle-${count}`,
          username,
          password,
        }),
      )
      const connectMs = performance.now() - started
      held = count
      await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 0))
      const memory = await measure(child, constructors, gc)
      if (memory.connections < count) {
        throw new Error(`${options.mode}: ${memory.connections} of ${count} connections held`)
      }
      const per = (pick: (m: IdleServerMemory) => number) => (pick(memory) - pick(empty)) / count
      steps.push({
        connections: count,
        perConnection: {
          rss: per((m) => m.rss),
          heapUsed: per((m) => m.heapUsed),
          youngGeneration: per(youngGeneration),
          external: per((m) => m.external),
        },
        marginalRss:
          previous === undefined
            ? undefined
            : (memory.rss - previous.rss) / (count - (steps.at(-1)?.connections ?? 0)),
        memory: { ...memory, constructors: undefined },
        connectMs,
        ...(constructors ? { constructors: constructorGrowth(empty, memory, count) } : {}),
      })
      previous = memory
    }
    const load =
      options.load === undefined || child.pid === undefined
        ? undefined
        : await loadCost(child.pid, { port, username, password, ...options.load })
    return { mode: options.mode, gc, nodeFlags, load, empty: { ...empty, constructors: undefined }, steps }
  } finally {
    await Promise.all(opened.map((idle) => idle.close()))
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    if (child.exitCode === null && child.signalCode === null) {
      child.send({ type: 'stop' } satisfies ToIdleServer)
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  }
}

async function loadCost(
  pid: number,
  options: {
    port: number
    username?: string
    password?: string
    readingsPerSecond: number
    durationMs: number
  },
): Promise<IdleServerLoad> {
  const load = await prepareLoad({
    host: '127.0.0.1',
    fleet: { facilities: 1_000, sensorsPerFacility: 5, seed: 2 },
    clientIdPrefix: 'idle-load',
    ...options,
  })
  try {
    // From the first publish: the publishers' CONNECTs are not the load's cost.
    const cpuBefore = processCpuMs(pid) ?? Number.NaN
    const result = await load.run()
    const cpuMs = (processCpuMs(pid) ?? Number.NaN) - cpuBefore
    const seconds = Math.max(1, result.lastAckMs - result.startMs) / 1000
    return {
      ackedMessagesPerSecond: result.ackedMessages / seconds,
      cpuMsPerThousand: (cpuMs * 1000) / Math.max(1, result.ackedMessages),
      pubackMs: result.pubackMs,
    }
  } finally {
    await load.stop()
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'net,aedes,quantrac' },
      connections: { type: 'string', default: '10000' },
      constructors: { type: 'boolean', default: false },
      'node-flags': { type: 'string', default: '' },
      settle: { type: 'string', default: '0' },
      gc: { type: 'string', default: 'major' },
    },
  })
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`
  for (const mode of values.mode.split(',') as IdleServerMode[]) {
    const result = await measureIdleMemory({
      mode,
      counts: values.connections.split(',').map(Number),
      constructors: values.constructors,
      nodeFlags: values['node-flags'].split(' ').filter((flag) => flag !== ''),
      settleMs: Number(values.settle) * 1000,
      gc: values.gc as IdleServerGc,
    })
    for (const step of result.steps) {
      const p = step.perConnection
      const r = step.memory.resident
      const r0 = result.empty.resident
      const n = step.connections
      process.stdout.write(
        `${mode} × ${n}: RSS ${kb(p.rss)}${step.marginalRss === undefined ? '' : ` (${kb(step.marginalRss)} each since the previous count)`}, heap used ${kb(p.heapUsed)}, young generation ${kb(p.youngGeneration)}, external ${kb(p.external)} per connection; resident: malloc heap ${kb((r.mallocHeap - r0.mallocHeap) / n)}, anonymous ${kb((r.anonymous - r0.anonymous) / n)} (connected in ${(step.connectMs / 1000).toFixed(1)} s)\n`,
      )
      for (const c of step.constructors?.slice(0, 30) ?? []) {
        process.stdout.write(
          `  ${c.name.padEnd(40)} ${c.count.toFixed(2).padStart(6)} × ${c.bytes.toFixed(0).padStart(6)} B\n`,
        )
      }
    }
  }
}
