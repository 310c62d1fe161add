/**
 * Writes the provisioned dashboards' JSON from dashboards/definitions/, then formats it with Biome so the
 * files read as any other JSON in the repository. Run after changing a definition or a limit profile:
 *
 *   node dashboards/build.ts
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { dashboards } from './definitions/index.ts'

const root = join(import.meta.dirname, '..')
const folder = join(import.meta.dirname, 'grafana', 'dashboards')

const written: string[] = []
for (const [file, dashboard] of Object.entries(dashboards())) {
  const path = join(folder, file)
  await writeFile(path, `${JSON.stringify(dashboard, null, 2)}\n`)
  written.push(path)
}
const biome = join(root, 'node_modules', '.bin', 'biome')
if (existsSync(biome)) {
  const result = spawnSync(biome, ['format', '--write', '--diagnostic-level=error', ...written], {
    cwd: root,
    stdio: 'inherit',
  })
  if (result.status !== 0) process.exitCode = 1
}
console.log(`wrote ${written.length} dashboards to ${folder}`)
