import type { Logger } from 'pino'
import type { MessageSink } from '../link/link.ts'

/** What delivery needs of a batch writer. */
export interface Committable {
  /** Makes what was added durable; false when it could not (the spool is full or failing). */
  commit(): boolean
  uncommitted(): number
  /** Resolves once what was committed so far is in the store. */
  whenStored(): Promise<void>
}

export interface DeliveryOptions {
  writers: readonly Committable[]
  /** Longest wait before what arrived is committed and acknowledged (group commit). */
  commitIntervalMs: number
  /** …or as soon as this many items wait. */
  commitItems: number
  /**
   * Handles one message: decode, add to the writers. Synchronous, except when it must first look something
   * up (a sensor the directory has not heard of yet): then it returns a promise, and later messages wait
   * for it, so the order of messages and of their acknowledgements is kept.
   */
  onMessage(topic: string, payload: Buffer): Promise<void> | undefined
  /**
   * When a message counts as durable, to be acknowledged: once committed to the spool (one worker, whose
   * disk comes back after a crash), or once in the store (a partitioned worker: its partitions move to
   * another worker when it dies, and its spool may never be read again).
   */
  durableAt: 'spool' | 'store'
  log: Logger
}

/** While the spool refuses, commits are retried this often. */
const RETRY_COMMIT_MS = 500
/**
 * Messages committed and waiting for the store (durableAt 'store') at most this many commits' worth:
 * past it the links read nothing more until the store catches up, and the broker keeps the rest. Without
 * it a broker with a backlog pushed everything at once: a gigabyte of messages in memory and an event
 * loop too busy to renew the worker's leases.
 */
const AWAITING_STORE_COMMITS = 4

/**
 * At-least-once delivery from the broker into the spool, whatever the link. A message is acknowledged only
 * once its contents are committed to the spool: commits happen every `commitIntervalMs` or `commitItems`
 * (one fsync for all that arrived), and acknowledgements go out in the order the messages came
 * [MQTT-4.6.0-2]. A message not acknowledged — ingest crashed, the connection broke, the spool was full —
 * stays with the broker (or, in this process, with the sensor), which sends it again.
 *
 * While the spool refuses commits, no acknowledgement goes out and the links' `resume`s are held, so the
 * broker stops handing ingest more.
 */
export function createDelivery(options: DeliveryOptions) {
  const { writers, log } = options
  let unacknowledged: (() => void)[] = []
  let held: (() => void)[] = []
  // A message waiting on a lookup; later messages are handled after it.
  let lookingUp: Promise<void> | undefined
  let timer: NodeJS.Timeout | undefined
  let acknowledged = 0
  // Committed, waiting for the store before their acknowledgement (durableAt 'store').
  let awaitingStore = 0
  const awaitingStoreLimit = AWAITING_STORE_COMMITS * options.commitItems
  let blocked = false

  function take(topic: string, payload: Buffer, acknowledge: () => void, resume?: () => void) {
    let pending: Promise<void> | undefined
    try {
      pending = options.onMessage(topic, payload)
    } catch (err) {
      log.error({ err, topic }, 'message handler failed')
    }
    if (pending === undefined) return handled(acknowledge, resume)
    return pending
      .catch((err) => log.error({ err, topic }, 'message handler failed'))
      .then(() => handled(acknowledge, resume))
  }

  function queueBehindLookup(next: Promise<void>): void {
    const queued: Promise<void> = next.then(() => {
      if (lookingUp === queued) lookingUp = undefined
    })
    lookingUp = queued
  }

  /** After a message was handled: queue its acknowledgement for the next commit. */
  function handled(acknowledge: () => void, resume: (() => void) | undefined): void {
    unacknowledged.push(acknowledge)
    let due = 0
    for (const writer of writers) due += writer.uncommitted()
    if (due >= options.commitItems) commit()
    else timer ??= setTimeout(commit, options.commitIntervalMs)
    if (resume === undefined) return
    if (blocked || awaitingStore >= awaitingStoreLimit) held.push(resume)
    else resume()
  }

  function release(): void {
    const resumes = held
    held = []
    for (const resume of resumes) resume()
  }

  /** Commits every writer and, when all succeeded, acknowledges every message received so far. */
  function commit(): boolean {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    let ok = true
    for (const writer of writers) if (!writer.commit()) ok = false
    blocked = !ok
    if (!ok) {
      timer = setTimeout(commit, RETRY_COMMIT_MS)
      return false
    }
    const due = unacknowledged
    unacknowledged = []
    if (options.durableAt === 'spool') acknowledgeAll(due)
    else {
      // Commits are in order and so are the store's writes: acknowledgements keep the messages' order.
      awaitingStore += due.length
      void Promise.all(writers.map((writer) => writer.whenStored())).then(() => {
        awaitingStore -= due.length
        acknowledgeAll(due)
        if (!blocked && awaitingStore < awaitingStoreLimit) release()
      })
    }
    if (awaitingStore < awaitingStoreLimit) release()
    return true
  }

  function acknowledgeAll(due: readonly (() => void)[]): void {
    for (const acknowledge of due) acknowledge()
    acknowledged += due.length
  }

  const sink: MessageSink = {
    receive(topic, payload, acknowledge, resume) {
      if (lookingUp === undefined) {
        const pending = take(topic, payload, acknowledge, resume)
        if (pending !== undefined) queueBehindLookup(pending)
      } else {
        queueBehindLookup(lookingUp.then(() => take(topic, payload, acknowledge, resume)))
      }
    },
    forgetUnacknowledged() {
      unacknowledged = []
      release()
    },
  }

  return {
    sink,
    commit,
    /** Messages received and not yet acknowledged. */
    unacknowledged: () => unacknowledged.length + awaitingStore,
    acknowledged: () => acknowledged,
    /**
     * Once the link has stopped delivering: waits for a message being looked up, commits and acknowledges
     * what was taken. Returns whether the commit succeeded; if not, those messages are sent again.
     */
    async stop(): Promise<boolean> {
      await lookingUp
      const ok = commit()
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      release()
      return ok
    },
  }
}
