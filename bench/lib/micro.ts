import { execFile } from 'node:child_process'
import type { GenerateFleetOptions } from '../../simulators/fleet.ts'

export interface MicroResult {
  name: string
  nsPerOp: number
  bytesPerOp: number
  ops: number
  error?: string
}

export interface MicroReport {
  results: MicroResult[]
  messages: number
  readingsPerMessage: number
  bytesPerMessage: number
}

const WORKER = new URL('./micro-worker.ts', import.meta.url)

/** Runs the micro-benchmarks in a fresh process (its own heap and JIT state). */
export function runMicro(options: {
  fleet: GenerateFleetOptions
  messages: number
  timeMs: number
}): Promise<MicroReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--max-semi-space-size=64', WORKER.pathname, JSON.stringify(options)],
      { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`micro-benchmarks failed: ${stderr || err.message}`))
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) as string) as MicroReport)
      },
    )
  })
}
