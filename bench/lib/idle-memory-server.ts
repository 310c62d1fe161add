/**
 * A server holding idle MQTT connections, in a process of its own (forked by idle-memory.ts with
 * `--expose-gc`) so that nothing but the server and its sockets is counted:
 * - `net`: a plain Node `net` server that only keeps the sockets (the floor Node sets);
 * - `aedes`: aedes with its default options, no hooks;
 * - `quantrac`: quantrac's broker (broker/server.ts) with its access hooks, packet guard and pacer, as
 *   createPlatform starts it, without ingest, the API or a store;
 * - `aedes-bufferlist`: bare aedes with mqtt-packet's parser buffering in a plain `BufferList` instead of a
 *   `BufferListStream` (a whole Duplex it never uses as a stream): what bench/mqtt-packet-bufferlist.patch,
 *   would save if taken upstream. Set on each client here, for measuring only;
 * - `aedes-patched`: bare aedes as both patches offered upstream would make it: that one, and
 *   bench/aedes-client-close-listener.patch (one 'close' listener instead of stream.finished()'s five),
 *   also emulated on each client.
 * On `measure` it collects garbage and answers with its memory and, with `constructors`, the count and
 * shallow size of every JS constructor on the heap (from a heap snapshot), to say where memory goes.
 * The garbage collection is a major GC, as V8 runs on its own (`major`), or the one V8 runs under memory
 * pressure (`memory-pressure`: it compacts the old generation, shrinks the young one and gives their
 * free pages back to the system), to tell memory held live from pages V8 keeps for later.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer, type Server, type Socket } from 'node:net'
import { getHeapSnapshot, getHeapSpaceStatistics, getHeapStatistics } from 'node:v8'
import { Aedes } from 'aedes'
import { pino } from 'pino'
import { DEFAULT_MAX_PACKET_BYTES, startBroker } from '../../broker/server.ts'
import { createBrokerMetrics } from '../../metrics/broker.ts'
import { createMetricsRegistry } from '../../metrics/index.ts'

export type IdleServerMode = 'net' | 'aedes' | 'aedes-bufferlist' | 'aedes-patched' | 'quantrac'
export type IdleServerGc = 'major' | 'memory-pressure'

export type ToIdleServer =
  | { type: 'start'; mode: IdleServerMode }
  | { type: 'measure'; constructors?: boolean; gc?: IdleServerGc }
  | { type: 'stop' }

export interface IdleServerMemory {
  /** Sockets (net) or connected MQTT clients (aedes, quantrac). */
  connections: number
  rss: number
  heapUsed: number
  /** The JS heap's pages, used or not: what it holds in RSS. */
  heapTotal: number
  /** Memory of C++ objects bound to JS ones, array buffers included. */
  external: number
  arrayBuffers: number
  mallocedMemory: number
  /** Each heap space's committed and used bytes. */
  spaces: { name: string; size: number; used: number }[]
  /** Resident bytes by kind of mapping (/proc/self/smaps): malloc's heap, anonymous maps, files. */
  resident: { mallocHeap: number; anonymous: number; files: number }
  /** Shallow bytes and counts by constructor, largest first; with `constructors` only. */
  constructors?: { name: string; count: number; bytes: number }[]
}

export type FromIdleServer =
  | { type: 'ready'; port: number; username?: string; password?: string }
  | ({ type: 'memory' } & IdleServerMemory)
  | { type: 'error'; message: string }

/** Credentials of the quantrac broker's service user: the idle clients log in with them. */
const SERVICE = { username: 'quantrac-bench', password: 'bench-idle-service-password' }

/** The `bl` mqtt-packet's parser uses (not a dependency of quantrac's own): for `aedes-bufferlist`. */
const { BufferList } = createRequire(createRequire(import.meta.url).resolve('mqtt-packet'))('bl') as {
  BufferList: new () => unknown
}

/** The private parts of an aedes client the patched modes change. */
interface PatchableClient {
  _parser: { _list: unknown }
  /** What removes the listeners stream.finished() added to the connection. */
  _eos: () => void
  close(): void
}

/** bench/aedes-client-close-listener.patch, on a client already made: finished()'s listeners out, one 'close' in. */
function closeOnCloseOnly(client: PatchableClient, socket: Socket): void {
  client._eos()
  const close = () => client.close()
  socket.on('close', close)
  client._eos = () => socket.removeListener('close', close)
}

/** CONNACK, session not present, connection accepted [MQTT-3.2]. */
const CONNACK_ACCEPTED = Buffer.from([0x20, 0x02, 0x00, 0x00])

let connections: () => number = () => 0
let stop: () => Promise<void> = async () => {}

function send(message: FromIdleServer): void {
  process.send?.(message)
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve(typeof address === 'object' && address !== null ? address.port : 0)
    })
  })
}

async function start(mode: IdleServerMode): Promise<void> {
  if (mode === 'net') {
    let open = 0
    const server = createServer({ noDelay: true }, (socket) => {
      open++
      // Answers the CONNECT, whatever it says, so the clients hold the socket as they would a broker's.
      socket.once('data', () => socket.write(CONNACK_ACCEPTED))
      socket.on('error', () => {})
      socket.on('close', () => open--)
    })
    connections = () => open
    stop = () => new Promise((resolve) => server.close(() => resolve()))
    send({ type: 'ready', port: await listen(server) })
    return
  }
  if (mode === 'aedes' || mode === 'aedes-bufferlist' || mode === 'aedes-patched') {
    const broker = await Aedes.createBroker()
    const server = createServer(
      mode === 'aedes'
        ? broker.handle
        : (socket) => {
            const client = broker.handle(socket) as unknown as PatchableClient
            client._parser._list = new BufferList()
            if (mode === 'aedes-patched') closeOnCloseOnly(client, socket)
          },
    )
    connections = () => broker.connectedClients
    stop = async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
    send({ type: 'ready', port: await listen(server) })
    return
  }
  const broker = await startBroker(
    {
      host: '127.0.0.1',
      port: 0,
      allowAnonymous: false,
      serviceUsername: SERVICE.username,
      servicePassword: SERVICE.password,
      maxPayloadBytes: 16_384,
      maxPacketBytes: DEFAULT_MAX_PACKET_BYTES,
      maxConnectionsPerUser: 1_000_000,
    },
    { sensorAccess: async () => undefined },
    pino({ level: 'silent' }),
    createBrokerMetrics(createMetricsRegistry()),
  )
  connections = () => broker.broker.connectedClients
  stop = () => broker.close()
  send({ type: 'ready', port: broker.port, ...SERVICE })
}

/** Shallow size and count per constructor name, from a heap snapshot of this process. */
async function constructorSizes(): Promise<{ name: string; count: number; bytes: number }[]> {
  const chunks: Buffer[] = []
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk as Buffer)
  const snapshot = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
    nodes: number[]
    strings: string[]
  }
  const fields = snapshot.snapshot.meta.node_fields
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const types = snapshot.snapshot.meta.node_types[0]
  const byName = new Map<string, { count: number; bytes: number }>()
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt] as number]
    const name =
      type === 'object' || type === 'closure'
        ? `${type === 'closure' ? 'closure ' : ''}${snapshot.strings[snapshot.nodes[i + nameAt] as number]}`
        : `(${type})`
    const entry = byName.get(name) ?? { count: 0, bytes: 0 }
    entry.count++
    entry.bytes += snapshot.nodes[i + sizeAt] as number
    byName.set(name, entry)
  }
  return [...byName].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.bytes - a.bytes)
}

/** Resident bytes by mapping kind: [heap] is malloc's brk arena; V8's pages and big mallocs are anonymous maps. */
function residentByMapping(): IdleServerMemory['resident'] {
  const resident = { mallocHeap: 0, anonymous: 0, files: 0 }
  let kind: keyof typeof resident = 'anonymous'
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const mapping = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/)
    if (mapping !== null) {
      const name = mapping[1] ?? ''
      kind = name === '[heap]' ? 'mallocHeap' : name === '' || name.startsWith('[') ? 'anonymous' : 'files'
      continue
    }
    const rss = line.match(/^Rss:\s+(\d+) kB/)
    if (rss !== null) resident[kind] += Number(rss[1]) * 1024
  }
  return resident
}

/** V8's `gc()` of --expose-gc; its options are V8's gc extension's. */
type ExposedGc = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void

async function measure(withConstructors: boolean, kind: IdleServerGc): Promise<void> {
  const gc = (globalThis as { gc?: ExposedGc }).gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  const collect =
    kind === 'memory-pressure'
      ? () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' })
      : () => gc()
  // Twice, with a turn of the loop between: finalizers and weak callbacks of the first free more.
  collect()
  await new Promise((resolve) => setImmediate(resolve))
  collect()
  const usage = process.memoryUsage()
  send({
    type: 'memory',
    connections: connections(),
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    mallocedMemory: getHeapStatistics().malloced_memory,
    resident: residentByMapping(),
    spaces: getHeapSpaceStatistics().map((space) => ({
      name: space.space_name,
      size: space.space_size,
      used: space.space_used_size,
    })),
    ...(withConstructors ? { constructors: await constructorSizes() } : {}),
  })
}

process.on('message', (message: ToIdleServer) => {
  const work =
    message.type === 'start'
      ? start(message.mode)
      : message.type === 'measure'
        ? measure(message.constructors === true, message.gc ?? 'major')
        : stop().then(() => process.exit(0))
  work.catch((err: Error) => send({ type: 'error', message: err.stack ?? err.message }))
})
