import { createServer, type Server } from 'node:net'
import { Aedes, type AedesOptions } from 'aedes'
import { connectAsync, type MqttClient } from 'mqtt'
import { READINGS_SUBSCRIPTION } from '../../core/topics.ts'
import { freePort } from '../support/ports.ts'

export interface ReceivedMessage {
  topic: string
  payload: string
}

/** An in-process aedes broker on a free port, with a client that records every reading published. */
export interface TestBroker {
  url: string
  received: ReceivedMessage[]
  close(): Promise<void>
}

export async function startTestBroker(options: AedesOptions = {}): Promise<TestBroker> {
  const broker = await Aedes.createBroker(options)
  const server: Server = createServer(broker.handle)
  const port = await freePort()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const url = `mqtt://127.0.0.1:${port}`
  let subscriber: MqttClient | undefined
  try {
    subscriber = await connectAsync(
      url,
      { clientId: 'test-subscriber', username: 'test', password: 'test' },
      false,
    )
    await subscriber.subscribeAsync(READINGS_SUBSCRIPTION, { qos: 1 })
  } catch (err) {
    await closeBroker(broker, server)
    throw err
  }
  const received: ReceivedMessage[] = []
  subscriber.on('message', (topic, payload) => received.push({ topic, payload: payload.toString('utf8') }))
  return {
    url,
    received,
    async close() {
      await subscriber.endAsync()
      await closeBroker(broker, server)
    },
  }
}

async function closeBroker(broker: Aedes, server: Server) {
  await new Promise<void>((resolve) => broker.close(() => resolve()))
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

/** Polls until `done` holds, or fails after `timeoutMs`. */
export async function eventually(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
