/** Reads a V8 .cpuprofile (from --cpu-prof) into self time per category and per function. */

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

export interface ProfileShare {
  name: string
  selfMs: number
  /** Share of the busy (non-idle) time. */
  share: number
}

/** Categories in the order they are tried; the first whose test matches a frame's URL or name wins. */
const CATEGORIES: [string, (url: string, fn: string) => boolean][] = [
  ['idle', (_u, fn) => fn === '(idle)'],
  // The profiler's own work while it stops and serialises the profile: not the platform's.
  ['idle', (u) => u === 'node:inspector'],
  ['garbage collection', (_u, fn) => fn === '(garbage collector)'],
  ['MQTT packet parsing/writing (mqtt-packet, bl)', (u) => /node_modules\/(mqtt-packet|bl)\//.test(u)],
  // mqtt-packet and aedes call debug() on every packet; disabled, it still takes its arguments.
  ['debug() calls (disabled)', (u) => u.includes('node_modules/debug/')],
  [
    'aedes broker',
    (u) =>
      /node_modules\/(aedes[^/]*|qlobber|fastfall|fastparallel|fastseries|reusify|hyperid)\//.test(u) ||
      u.includes('/broker/'),
  ],
  [
    'MQTT.js clients (ingest, API relay)',
    (u) => /node_modules\/(mqtt|readable-stream|number-allocator)\//.test(u),
  ],
  ['zod validation', (u) => u.includes('node_modules/zod/')],
  [
    'decode (topic, units, ranges)',
    (u) => /\/ingest\/decode\.ts|\/core\/(topics|units|contract|factors)\.ts/.test(u),
  ],
  [
    'exposure evaluation + alerts',
    (u) => /\/ingest\/(facility-rules|instant-alerts)\.ts|\/core\/(exposure|limits|alerts|shifts)/.test(u),
  ],
  ['line protocol + store client', (u) => /\/store\//.test(u)],
  ['ingest plumbing (handler, batch writer, live feed)', (u) => /\/ingest\//.test(u)],
  ['HTTP client to InfluxDB (undici/fetch)', (u) => /undici|internal\/deps\/undici/.test(u)],
  ['socket.io / API live relay', (u) => /node_modules\/(socket\.io|engine\.io|ws)|\/api\//.test(u)],
  ['registry (SQLite)', (u) => /\/registry\//.test(u) || u.includes('node:sqlite')],
  ['logging (pino)', (u) => /node_modules\/pino/.test(u)],
  ['Node core (streams, net, timers, buffers)', (u) => u.startsWith('node:')],
  ['V8 builtins / native (JSON, RegExp, …)', (u) => u === ''],
  ['other JavaScript', () => true],
]

export function categorize(url: string, functionName: string): string {
  for (const [name, test] of CATEGORIES) if (test(url, functionName)) return name
  return 'other JavaScript'
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length)
  const repo = url.search(/\/(ingest|broker|store|core|api|registry|simulators|test|bench)\//)
  return repo >= 0 ? url.slice(repo + 1) : url.replace(/^file:\/\//, '')
}

/** Self time by category and the top functions, as shares of the time the process was not idle. */
export function analyzeProfile(profile: CpuProfile, top = 15) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfUs = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const categories = new Map<string, number>()
  const functions = new Map<string, number>()
  let idleUs = 0
  let totalUs = 0
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame
    const category = categorize(frame.url, frame.functionName)
    totalUs += us
    if (category === 'idle') {
      idleUs += us
      continue
    }
    categories.set(category, (categories.get(category) ?? 0) + us)
    const key = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`
    functions.set(key, (functions.get(key) ?? 0) + us)
  }
  const busyUs = totalUs - idleUs
  const shares = (map: Map<string, number>): ProfileShare[] =>
    [...map.entries()]
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }))
      .sort((a, b) => b.selfMs - a.selfMs)
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    idleShare: totalUs > 0 ? idleUs / totalUs : 0,
    categories: shares(categories),
    functions: shares(functions).slice(0, top),
  }
}

/** A V8 sampling heap profile (HeapProfiler.getSamplingProfile): allocations by call tree. */
export interface HeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  children: HeapProfileNode[]
}

export interface AllocationShare {
  name: string
  bytes: number
  share: number
}

/** Node's own code and V8's builtins allocate on behalf of their caller: JSON.parse for decode, and so on. */
const onBehalfOfCaller = (url: string) => url === '' || url.startsWith('node:')

/**
 * Sampled allocations by category and by function, each charged to the nearest frame that is not Node's
 * or V8's own (a Buffer made for mqtt-packet counts as mqtt-packet's).
 */
export function analyzeAllocations(head: HeapProfileNode, top = 15) {
  const categories = new Map<string, number>()
  const functions = new Map<string, number>()
  let total = 0
  const walk = (node: HeapProfileNode, owner: HeapProfileNode['callFrame'] | undefined) => {
    const frame = onBehalfOfCaller(node.callFrame.url) && owner !== undefined ? owner : node.callFrame
    if (node.selfSize > 0) {
      total += node.selfSize
      const category = categorize(frame.url, frame.functionName)
      categories.set(category, (categories.get(category) ?? 0) + node.selfSize)
      const key = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`
      functions.set(key, (functions.get(key) ?? 0) + node.selfSize)
    }
    for (const child of node.children) walk(child, onBehalfOfCaller(frame.url) ? owner : frame)
  }
  walk(head, undefined)
  const shares = (map: Map<string, number>): AllocationShare[] =>
    [...map.entries()]
      .map(([name, bytes]) => ({ name, bytes, share: total > 0 ? bytes / total : 0 }))
      .sort((a, b) => b.bytes - a.bytes)
  return { totalBytes: total, categories: shares(categories), functions: shares(functions).slice(0, top) }
}
