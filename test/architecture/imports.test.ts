import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

/**
 * Each top-level folder's layer: a file may import from its own layer or a lower one, never a higher one
 * (README.md, Architecture). `core/`, `log/` and `sqlite/` (the SQLite conventions the store and the
 * registry share) import nothing of quantrac's; `metrics/` only prom-client;
 * `platform/` is the composition root; `simulators/` are tools that open storage as the platform does and
 * publish over MQTT; `bench/` and `dashboards/` stand outside and run or describe the whole.
 */
const LAYERS: Record<string, number> = {
  core: 0,
  log: 0,
  sqlite: 0,
  store: 1,
  registry: 1,
  metrics: 1,
  ingest: 2,
  notify: 2,
  broker: 3,
  api: 3,
  platform: 4,
  simulators: 5,
  bin: 6,
  bench: 7,
  dashboards: 7,
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/**
 * Imports the bench makes of test/support's process helpers (a throwaway influxd, Mosquitto or PostgreSQL,
 * free ports, waiting for a child): tools both run, not wiring. sut-process.ts, which runs the platform, goes through platform/.
 */
const ALLOWED_UPWARD = new Set([
  'bench/lib/context.ts → test/support/influxd.ts',
  'bench/lib/ingest-worker.ts → test/support/processes.ts',
  'bench/sections/partitioned.ts → test/support/mosquitto.ts',
  'bench/sections/partitioned.ts → test/support/postgres.ts',
  'bench/sections/partitioned.ts → test/support/processes.ts',
  'bench/sections/peer.ts → test/support/ports.ts',
  'bench/sections/peer.ts → test/support/processes.ts',
])

interface Import {
  target: string
  /** `import type …` / `export type … from`: erased when compiled, so it cannot make a load-order cycle. */
  typeOnly: boolean
}

/** `import … from './x.ts'`, `export … from`, `import('./x.ts')`: every relative specifier in the file. */
function relativeImports(text: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = []
  const statement = /\b(import|export)(\s+type\b)?[^'";]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g
  for (const match of text.matchAll(statement)) found.push({ specifier: match[3]!, typeOnly: !!match[2] })
  const bare = /\bimport\s*(?:\(\s*)?['"](\.{1,2}\/[^'"]+)['"]/g
  for (const match of text.matchAll(bare)) found.push({ specifier: match[1]!, typeOnly: false })
  return found
}

function importGraph(): Map<string, Import[]> {
  const graph = new Map<string, Import[]>()
  for (const folder of Object.keys(LAYERS)) {
    for (const file of sourceFiles(join(ROOT, folder))) {
      const imports = relativeImports(readFileSync(file, 'utf8'))
        .map(({ specifier, typeOnly }) => ({
          target: relative(ROOT, resolve(dirname(file), specifier)),
          typeOnly,
        }))
        .filter(({ target }) => target.endsWith('.ts'))
      graph.set(relative(ROOT, file), imports)
    }
  }
  return graph
}

function runtimeGraph(graph: Map<string, Import[]>): Map<string, string[]> {
  return new Map(
    [...graph].map(([from, imports]) => [from, imports.filter((i) => !i.typeOnly).map((i) => i.target)]),
  )
}

const topFolder = (path: string) => path.split('/')[0]!

/** Every import cycle, each as the files around it (Tarjan's strongly connected components). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const lowlinks = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (node: string) => {
    indices.set(node, index)
    lowlinks.set(node, index)
    index++
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue
      if (!indices.has(next)) {
        visit(next)
        lowlinks.set(node, Math.min(lowlinks.get(node)!, lowlinks.get(next)!))
      } else if (onStack.has(next)) {
        lowlinks.set(node, Math.min(lowlinks.get(node)!, indices.get(next)!))
      }
    }
    if (lowlinks.get(node) === indices.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort())
    }
  }
  for (const node of graph.keys()) if (!indices.has(node)) visit(node)
  return found
}

describe('the import graph', () => {
  const graph = importGraph()

  it('reads the source tree', () => {
    expect(graph.size).toBeGreaterThan(100)
    expect(graph.get('platform/platform.ts')?.map((i) => i.target)).toContain('ingest/ingest.ts')
  })

  it('has no cycle among the imports that run', () => {
    expect(cycles(runtimeGraph(graph))).toEqual([])
  })

  it('points down only: core ← store/registry ← ingest ← broker/api ← platform ← bin', () => {
    const upward: string[] = []
    for (const [from, imports] of graph) {
      for (const { target } of imports) {
        const fromLayer = LAYERS[topFolder(from)]!
        const targetLayer = LAYERS[topFolder(target)]
        const arrow = `${from} → ${target}`
        // test/ is no layer: nothing outside it may import it.
        if ((targetLayer === undefined || targetLayer > fromLayer) && !ALLOWED_UPWARD.has(arrow))
          upward.push(arrow)
      }
    }
    expect(upward).toEqual([])
  })

  it('keeps the API’s plugins off its routes: what both use lives in api/schemas/', () => {
    const intoRoutes: string[] = []
    for (const [from, imports] of graph) {
      if (!from.startsWith('api/plugins/')) continue
      for (const { target } of imports)
        if (target.startsWith('api/routes/')) intoRoutes.push(`${from} → ${target}`)
    }
    expect(intoRoutes).toEqual([])
  })

  it('keeps each route folder to itself: what two folders share lives in api/schemas/ or api/', () => {
    const acrossFolders: string[] = []
    for (const [from, imports] of graph) {
      if (!from.startsWith('api/routes/')) continue
      for (const { target } of imports)
        if (target.startsWith('api/routes/') && dirname(target) !== dirname(from))
          acrossFolders.push(`${from} → ${target}`)
    }
    expect(acrossFolders).toEqual([])
  })
})
