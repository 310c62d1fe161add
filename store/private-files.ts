import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * The data directory holds sensor password hashes, API key digests, the spool's readings and the demo's
 * keys: only the service's own user may read them. Directories 0700, files 0600, whatever the umask;
 * files an earlier version made readable to others are tightened too.
 */
const PRIVATE_DIRECTORY = 0o700
export const PRIVATE_FILE = 0o600

/** Creates `dir` (and missing parents) readable by this user only, or tightens it if it exists. */
export function ensurePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIRECTORY })
  chmodSync(dir, PRIVATE_DIRECTORY)
}

/**
 * Makes `path` a file readable by this user only, in a private directory, before a library opens it:
 * SQLite gives its `-wal` and `-shm` files the mode of the database file. Existing companions are
 * tightened as well.
 */
export function ensurePrivateFile(path: string, companions: readonly string[] = []): void {
  ensurePrivateDirectory(dirname(path))
  closeSync(openSync(path, 'a', PRIVATE_FILE))
  chmodSync(path, PRIVATE_FILE)
  for (const suffix of companions) tightenIfPresent(path + suffix)
}

// A companion comes and goes with SQLite's transactions (another process's rollback journal is deleted at its
// commit), so "exists, then chmod" races: chmod it and let a vanished file be.
function tightenIfPresent(path: string): void {
  try {
    chmodSync(path, PRIVATE_FILE)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/** A SQLite database's companions in WAL mode. */
export const SQLITE_COMPANIONS = ['-wal', '-shm', '-journal'] as const
