import { connect as connectTcp } from 'node:net'
import { type IClientOptions, MqttClient } from 'mqtt'

/** What became of a CONNECT: connected, refused with a CONNACK return code, or closed without an answer. */
export type LoginOutcome = 'connected' | 'closed' | number

/**
 * Connects to an MQTT broker on 127.0.0.1:`port` from `localAddress` (any address of 127/8 reaches a
 * loopback listener on Linux), so that a test can play several source addresses at once.
 */
export function connectFrom(
  port: number,
  localAddress: string,
  options: IClientOptions = {},
): Promise<{ outcome: LoginOutcome; client?: MqttClient }> {
  const client = new MqttClient(() => connectTcp({ host: '127.0.0.1', port, localAddress }), {
    reconnectPeriod: 0,
    connectTimeout: 20_000,
    ...options,
  })
  return new Promise((resolve) => {
    client.once('connect', () => resolve({ outcome: 'connected', client }))
    client.once('error', (err: Error & { code?: number }) => {
      client.end(true)
      resolve({ outcome: typeof err.code === 'number' ? err.code : 'closed' })
    })
    client.once('close', () => {
      client.end(true)
      resolve({ outcome: 'closed' })
    })
  })
}

/** Connects and disconnects at once: just the outcome. */
export async function loginOutcome(
  port: number,
  localAddress: string,
  options: IClientOptions = {},
): Promise<LoginOutcome> {
  const { outcome, client } = await connectFrom(port, localAddress, options)
  await client?.endAsync()
  return outcome
}

function field(text: string): Buffer {
  const bytes = Buffer.from(text)
  const length = Buffer.alloc(2)
  length.writeUInt16BE(bytes.length)
  return Buffer.concat([length, bytes])
}

/** An MQTT 3.1.1 CONNECT packet, byte for byte, for tests that must send what a library would not. */
export function connectPacket(clientId: string, username?: string, password?: string): Buffer {
  const flags = 0x02 | (username === undefined ? 0 : 0x80) | (password === undefined ? 0 : 0x40)
  const body = Buffer.concat([
    field('MQTT'),
    Buffer.from([4, flags, 0, 60]),
    field(clientId),
    ...(username === undefined ? [] : [field(username)]),
    ...(password === undefined ? [] : [field(password)]),
  ])
  const length: number[] = []
  let rest = body.length
  do {
    length.push((rest % 128) | (rest >= 128 ? 0x80 : 0))
    rest = Math.floor(rest / 128)
  } while (rest > 0)
  return Buffer.concat([Buffer.from([0x10, ...length]), body])
}
