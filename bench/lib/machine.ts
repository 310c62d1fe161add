import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { formatBytes } from './stats.ts'

export interface MachineInfo {
  cpuModel: string
  cores: number
  memory: string
  os: string
  kernel: string
  node: string
  loadAverage: number[]
}

export function machineInfo(): MachineInfo {
  const cpuList = cpus()
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memory: formatBytes(totalmem()),
    os: osName(),
    kernel: release(),
    node: process.version,
    loadAverage: loadavg(),
  }
}

function osName(): string {
  try {
    const match = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))
    return match?.[1] ?? process.platform
  } catch {
    return process.platform
  }
}

/** The version in a package's package.json under `nodeModules`, or undefined when it is not installed. */
export function packageVersion(nodeModules: string, name: string): string | undefined {
  const file = join(nodeModules, name, 'package.json')
  if (!existsSync(file)) return undefined
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version
}

/** First line a command prints for its version, or undefined when it is not on PATH. */
export function commandVersion(command: string, args: string[]): string | undefined {
  try {
    const output = execFileSync(command, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 5000,
    })
    return output.split('\n')[0]?.trim()
  } catch (err) {
    // mosquitto -h prints its version and exits 3.
    const output = String((err as { stdout?: unknown }).stdout ?? '')
    return output.split('\n')[0]?.trim() || undefined
  }
}

const CLOCK_TICKS_PER_SECOND = 100

/** CPU time (user + system) a process has used, in ms, from /proc; undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND
  } catch {
    return undefined
  }
}

/** Resident set size of a process in bytes, from /proc. */
export function processRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

/** Busy and total jiffies of the whole machine, to see how much CPU other people's work took meanwhile. */
export function machineCpuTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
  const values = line.trim().split(/\s+/).slice(1).map(Number)
  const total = values.reduce((sum, value) => sum + value, 0)
  const idle = (values[3] ?? 0) + (values[4] ?? 0)
  return { busy: total - idle, total }
}

/** Children of `parentPid` whose command name is `name` (e.g. the influxd a helper spawned). */
export function childPidsNamed(parentPid: number, name: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (comm === name && ppid === parentPid) pids.push(Number(entry))
    } catch {
      // The process ended while we looked.
    }
  }
  return pids
}

/**
 * Measures CPU use of a set of processes and of the whole machine over an interval, in "cores"
 * (1.0 = one core busy for the whole interval).
 */
export function startCpuWindow(pids: Record<string, number | undefined>) {
  const startedAt = performance.now()
  const machineStart = machineCpuTicks()
  const starts = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, pid && processCpuMs(pid)]),
  )
  return function stopCpuWindow(): {
    elapsedMs: number
    cores: Record<string, number>
    machineBusyCores: number
  } {
    const elapsedMs = performance.now() - startedAt
    const machineEnd = machineCpuTicks()
    const cores: Record<string, number> = {}
    for (const [name, pid] of Object.entries(pids)) {
      const start = starts[name]
      const end = pid === undefined ? undefined : processCpuMs(pid)
      if (typeof start === 'number' && end !== undefined) cores[name] = (end - start) / elapsedMs
    }
    const totalTicks = machineEnd.total - machineStart.total
    const busyShare = totalTicks > 0 ? (machineEnd.busy - machineStart.busy) / totalTicks : 0
    return { elapsedMs, cores, machineBusyCores: busyShare * cpus().length }
  }
}
