import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** What a receiver got: arrival times by idempotency key, and how many came more than once. */
export interface Deliveries {
  /** performance.now() at the first arrival of each key. */
  firstAt: Map<string, number>
  duplicates: number
}

function deliveries(): Deliveries & { arrived(key: string): void } {
  const firstAt = new Map<string, number>()
  const counts = { duplicates: 0 }
  return {
    firstAt,
    get duplicates() {
      return counts.duplicates
    },
    arrived(key: string) {
      if (firstAt.has(key)) counts.duplicates++
      else firstAt.set(key, performance.now())
    },
  }
}

/**
 * A real SMTP server (the `smtp-server` package) in the bench's process that reads only the header it
 * needs: the X-Quantrac-Idempotency-Key each message carries (notify/email.ts), so repeats are counted.
 */
export async function startSmtpReceiver() {
  const got = deliveries()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const head =
          Buffer.concat(chunks)
            .toString('utf8')
            .split(/\r?\n\r?\n/, 1)[0] ?? ''
        const key = /^x-quantrac-idempotency-key:\s*(.+)$/im.exec(head)?.[1]?.trim()
        if (key !== undefined) got.arrived(key)
        callback()
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    deliveries: got as Deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** An HTTP receiver for webhooks in the bench's process, keyed by X-Quantrac-Idempotency-Key. */
export async function startWebhookReceiver() {
  const got = deliveries()
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      const key = request.headers['x-quantrac-idempotency-key']
      if (typeof key === 'string') got.arrived(key)
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries: got as Deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
