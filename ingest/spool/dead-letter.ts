import { appendFileSync, existsSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { ensurePrivateDirectory, ensurePrivateFile, PRIVATE_FILE } from '../../store/private-files.ts'

export interface DeadLetterOptions {
  /** A JSON-lines file; created with its folder when missing. */
  path: string
  /** Past this size, further batches are only counted: a store that refuses everything cannot fill the disk. */
  maxBytes: number
}

/**
 * Where batches the store refused as invalid (a 4xx) are set aside: one JSON line per batch,
 * `{time, stream, reason, items}`, so an operator can see why, fix and re-import them. Written
 * synchronously: this happens rarely, and the batch leaves the spool right after.
 */
export function openDeadLetters(options: DeadLetterOptions) {
  // Created at the first dead letter, readable by this user only.
  ensurePrivateDirectory(dirname(options.path))
  if (existsSync(options.path)) ensurePrivateFile(options.path)
  let size = 0
  try {
    size = statSync(options.path).size
  } catch {}
  let discarded = 0

  return {
    path: options.path,
    /** Records the batch; returns false when the file is full and the batch was only counted. */
    add(stream: string, reason: string, items: readonly unknown[]): boolean {
      const line = `${JSON.stringify({ time: new Date().toISOString(), stream, reason, items })}\n`
      if (size + line.length > options.maxBytes) {
        discarded += items.length
        return false
      }
      appendFileSync(options.path, line, { mode: PRIVATE_FILE })
      size += Buffer.byteLength(line)
      return true
    },
    /** Items refused after the file reached its maximum size. */
    discarded: () => discarded,
  }
}

export type DeadLetters = ReturnType<typeof openDeadLetters>
