import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** Who holds a lock, as its file says. */
export interface LockHolder {
  pid: number
  command: string
  startedAt: string
}

/** The data directory is in use by a live process: one clear line at start-up, nothing touched. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError'
  readonly holder: LockHolder
  constructor(dir: string, holder: LockHolder) {
    super(
      `the data directory ${dir} is in use by process ${holder.pid} (${holder.command}), running since ` +
        `${holder.startedAt}: stop that process first, or give this one another QUANTRAC_DATA_DIR`,
    )
    this.holder = holder
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder
    return Number.isInteger(holder.pid) && holder.pid > 0 ? holder : undefined
  } catch {
    // Unreadable or half-written: a crash between open and write. Treated as stale.
    return undefined
  }
}

/**
 * Takes `name` in the data directory for this process, before the command touches anything there: a second
 * `quantrac start` on a directory in use would otherwise re-seed the demo (new keys, the running one's
 * revoked) before failing on a taken port. The lock file is created exclusively (O_EXCL) and holds the pid
 * and command line; a lock whose process is gone (killed, crashed) is taken over. Released on exit.
 */
export function lockDataDir(dir: string, name: string, command = process.argv.slice(1).join(' ')) {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, name)
  const mine: LockHolder = { pid: process.pid, command, startedAt: new Date().toISOString() }
  // Two attempts: the second after removing a stale lock. Two processes taking over the same stale lock
  // at the same instant could both remove it; the exclusive create still lets only one of them in.
  for (let attempt = 0; ; attempt++) {
    let fd: number
    try {
      fd = openSync(path, 'wx', 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err
      const holder = readHolder(path)
      if (holder !== undefined && holder.pid !== process.pid && alive(holder.pid)) {
        throw new DataDirInUseError(dir, holder)
      }
      unlinkSync(path)
      continue
    }
    writeSync(fd, `${JSON.stringify(mine)}\n`)
    closeSync(fd)
    break
  }
  let held = true
  const release = () => {
    if (!held) return
    held = false
    process.off('exit', release)
    // Only our own lock: never one a later process took over.
    if (readHolder(path)?.pid === process.pid) unlinkSync(path)
  }
  process.on('exit', release)
  return { path, release }
}

/** The lock file of an ingest worker in the data directory: one per client id, as its spool is. */
export function ingestLockName(clientId: string): string {
  return `ingest-${clientId.replace(/[^\w.-]/g, '_')}.lock`
}
