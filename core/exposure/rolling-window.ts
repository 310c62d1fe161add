/** A rolling window's state as plain data, for persistence. */
export interface RollingWindowData {
  readonly windowMs: number
  readonly bucketMs: number
  /** Absolute index (time / bucketMs) of the newest bucket written; -1 when empty. */
  readonly newest: number
  readonly sums: readonly number[]
  readonly measured: readonly number[]
}

/**
 * A time-weighted rolling mean kept in a ring of fixed buckets (1 minute by default), so each reading costs
 * the same whatever the sampling rate: the buckets hold ∫ value dt and the measured time. The bucket the
 * window's start falls in is counted pro rata, which is exact when the value is steady within a bucket.
 */
export class RollingWindow {
  readonly windowMs: number
  readonly bucketMs: number
  #newest: number
  readonly #sums: number[]
  readonly #measured: number[]

  constructor(windowMs = 15 * 60_000, bucketMs = 60_000, data?: RollingWindowData) {
    if (windowMs % bucketMs !== 0) throw new Error(`window ${windowMs} ms is not a whole number of buckets`)
    this.windowMs = windowMs
    this.bucketMs = bucketMs
    // One more bucket than the window holds: the one its start falls in.
    const size = windowMs / bucketMs + 1
    this.#newest = data?.newest ?? -1
    this.#sums = data === undefined ? new Array<number>(size).fill(0) : [...data.sums]
    this.#measured = data === undefined ? new Array<number>(size).fill(0) : [...data.measured]
    if (this.#sums.length !== size || this.#measured.length !== size) {
      throw new Error(`rolling window data has ${this.#sums.length} buckets, expected ${size}`)
    }
  }

  static fromJSON(data: RollingWindowData): RollingWindow {
    return new RollingWindow(data.windowMs, data.bucketMs, data)
  }

  /** Adds `value` held over [start, end); intervals arrive in time order. */
  add(start: number, end: number, value: number): void {
    const size = this.#sums.length
    const last = Math.floor((end - 1) / this.bucketMs)
    // Buckets that would fall off the ring at once are skipped: at most `size` iterations per call.
    const first = Math.max(Math.floor(start / this.bucketMs), last - size + 1)
    for (let bucket = first; bucket <= last; bucket++) {
      if (bucket > this.#newest) this.#advanceTo(bucket)
      const from = Math.max(start, bucket * this.bucketMs)
      const to = Math.min(end, (bucket + 1) * this.bucketMs)
      const slot = bucket % size
      this.#sums[slot] = (this.#sums[slot] ?? 0) + value * (to - from)
      this.#measured[slot] = (this.#measured[slot] ?? 0) + (to - from)
    }
  }

  /** ∫ value dt and measured time over [at − windowMs, at), assuming nothing was added after `at`. */
  totalsAt(at: number): { sum: number; measuredMs: number } {
    const size = this.#sums.length
    const start = at - this.windowMs
    const oldest = Math.floor(start / this.bucketMs)
    let sum = 0
    let measuredMs = 0
    for (let bucket = oldest; bucket <= oldest + size - 1; bucket++) {
      if (bucket > this.#newest || bucket <= this.#newest - size) continue
      const share = bucket === oldest ? ((oldest + 1) * this.bucketMs - start) / this.bucketMs : 1
      sum += share * (this.#sums[bucket % size] ?? 0)
      measuredMs += share * (this.#measured[bucket % size] ?? 0)
    }
    return { sum, measuredMs }
  }

  toJSON(): RollingWindowData {
    return {
      windowMs: this.windowMs,
      bucketMs: this.bucketMs,
      newest: this.#newest,
      sums: [...this.#sums],
      measured: [...this.#measured],
    }
  }

  #advanceTo(bucket: number): void {
    const size = this.#sums.length
    const from = Math.max(this.#newest + 1, bucket - size + 1)
    for (let cleared = from; cleared <= bucket; cleared++) {
      this.#sums[cleared % size] = 0
      this.#measured[cleared % size] = 0
    }
    this.#newest = bucket
  }
}
