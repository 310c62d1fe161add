import type { Duplex } from 'node:stream'

export type PacketRefusal = 'too-large' | 'malformed-length'

const FIXED_HEADER = 0
const LENGTH = 1
const BODY = 2

/**
 * Follows the MQTT packet boundaries of one byte stream by reading only the fixed headers, and says when a
 * packet announces a remaining length above `maxRemainingLength`. aedes parses a whole packet before its
 * hooks see it, so without this a client could make the broker buffer 256 MB for one PUBLISH.
 *
 * Remaining length [MQTT-2.2.3]: one to four bytes, seven bits each, least significant group first; the
 * high bit says another byte follows. A fifth continuation byte is malformed (at most 268,435,455).
 *
 * One plain object per connection, its state in fields: the closures it replaced (an inspector, its
 * failure path and their shared context) cost about 0.3 KB more per idle connection.
 *
 * @example
 * const inspector = new PacketInspector(1_048_576)
 * socket.on('data', (chunk) => { if (inspector.inspect(chunk) !== undefined) socket.destroy() })
 */
export class PacketInspector {
  readonly #maxRemainingLength: number
  #state = FIXED_HEADER
  #length = 0
  #multiplier = 1
  #lengthBytes = 0
  #bodyLeft = 0
  #refused: PacketRefusal | undefined = undefined

  constructor(maxRemainingLength: number) {
    this.#maxRemainingLength = maxRemainingLength
  }

  /** Reads the next chunk of the stream; a refusal once a header breaks the limit, then for ever after. */
  inspect(chunk: Uint8Array): PacketRefusal | undefined {
    if (this.#refused !== undefined) return this.#refused
    let i = 0
    while (i < chunk.length) {
      if (this.#state === BODY) {
        const skip = Math.min(this.#bodyLeft, chunk.length - i)
        this.#bodyLeft -= skip
        i += skip
        if (this.#bodyLeft === 0) this.#state = FIXED_HEADER
        continue
      }
      const byte = chunk[i++]!
      if (this.#state === FIXED_HEADER) {
        this.#state = LENGTH
        this.#length = 0
        this.#multiplier = 1
        this.#lengthBytes = 0
        continue
      }
      this.#length += (byte & 0x7f) * this.#multiplier
      this.#multiplier *= 128
      this.#lengthBytes++
      if (byte & 0x80) {
        if (this.#lengthBytes === 4) return this.#fail('malformed-length')
        continue
      }
      if (this.#length > this.#maxRemainingLength) return this.#fail('too-large')
      this.#bodyLeft = this.#length
      this.#state = this.#length === 0 ? FIXED_HEADER : BODY
    }
    return undefined
  }

  #fail(refusal: PacketRefusal): PacketRefusal {
    // Stays refused: the stream cannot be followed past a bad header.
    this.#refused = refusal
    return refusal
  }
}

/** Where a guarded stream keeps its inspector, so that one listener serves every connection. */
const INSPECTOR = Symbol('quantrac.packetInspector')
type GuardedStream = Duplex & { [INSPECTOR]?: PacketInspector }

/**
 * A guard for every connection of a listener: `guard(stream)` destroys the stream (TCP, TLS, or a
 * WebSocket's) as soon as a packet's fixed header announces more than `maxRemainingLength` bytes, before the
 * broker buffers it, and tells `onRefuse`. Install before `broker.handle(stream)`: aedes reads in paused
 * mode, and every chunk it reads is seen here first (Readable emits 'data' for what `read()` returns).
 * Per connection it adds one PacketInspector; the listener is shared.
 */
export function createPacketGuard(
  maxRemainingLength: number,
  onRefuse: (refusal: PacketRefusal, stream: Duplex) => void,
): (stream: Duplex) => void {
  function guardPacketSize(this: GuardedStream, chunk: Buffer): void {
    const inspector = this[INSPECTOR]
    if (this.destroyed || inspector === undefined) return
    const refusal = inspector.inspect(chunk)
    if (refusal === undefined) return
    onRefuse(refusal, this)
    this.destroy()
  }
  return function guardConnection(stream: GuardedStream): void {
    stream[INSPECTOR] = new PacketInspector(maxRemainingLength)
    stream.on('data', guardPacketSize)
  }
}
