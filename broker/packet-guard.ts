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
 * @example
 * const inspect = createPacketInspector(1_048_576)
 * socket.on('data', (chunk) => { if (inspect(chunk) !== undefined) socket.destroy() })
 */
export function createPacketInspector(maxRemainingLength: number) {
  let state = FIXED_HEADER
  let length = 0
  let multiplier = 1
  let lengthBytes = 0
  let bodyLeft = 0
  let refused: PacketRefusal | undefined

  /** Reads the next chunk of the stream; a refusal once a header breaks the limit, then for ever after. */
  return function inspect(chunk: Uint8Array): PacketRefusal | undefined {
    if (refused !== undefined) return refused
    let i = 0
    while (i < chunk.length) {
      if (state === BODY) {
        const skip = Math.min(bodyLeft, chunk.length - i)
        bodyLeft -= skip
        i += skip
        if (bodyLeft === 0) state = FIXED_HEADER
        continue
      }
      const byte = chunk[i++]!
      if (state === FIXED_HEADER) {
        state = LENGTH
        length = 0
        multiplier = 1
        lengthBytes = 0
        continue
      }
      length += (byte & 0x7f) * multiplier
      multiplier *= 128
      lengthBytes++
      if (byte & 0x80) {
        if (lengthBytes === 4) return fail('malformed-length')
        continue
      }
      if (length > maxRemainingLength) return fail('too-large')
      bodyLeft = length
      state = length === 0 ? FIXED_HEADER : BODY
    }
    return undefined
  }

  function fail(refusal: PacketRefusal): PacketRefusal {
    // Stays refused: the stream cannot be followed past a bad header.
    refused = refusal
    return refusal
  }
}

/**
 * Destroys `socket` (TCP, TLS, or a WebSocket's stream) as soon as a packet's fixed header announces more
 * than `maxRemainingLength` bytes, before the broker buffers it. Install before `broker.handle(socket)`: aedes reads in paused mode, and
 * every chunk it reads is seen here first (Readable emits 'data' for what `read()` returns).
 */
export function guardConnection(
  socket: Duplex,
  maxRemainingLength: number,
  onRefuse: (refusal: PacketRefusal) => void,
): void {
  const inspect = createPacketInspector(maxRemainingLength)
  socket.on('data', function guardPacketSize(chunk: Buffer) {
    if (socket.destroyed) return
    const refusal = inspect(chunk)
    if (refusal === undefined) return
    onRefuse(refusal)
    socket.destroy()
  })
}
