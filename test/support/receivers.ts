import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  to: string
  subject: string
  text: string
  idempotencyKey: string
  messageId?: string
}

/**
 * A real SMTP server on a free port of 127.0.0.1 (the `smtp-server` package), keeping every message it
 * accepts, parsed. `stop` and `start` again on the same port play an outage; `refuse` names mailboxes it
 * answers 550 (no such user), as a real server does for a mistyped address.
 */
export async function startMailServer(options: { refuse?: string[] } = {}) {
  const received: ReceivedMail[] = []
  let port = 0
  let server: SMTPServer | undefined
  async function start(): Promise<void> {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (options.refuse?.includes(address.address)) {
          callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }))
        } else callback()
      },
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail: ParsedMail) => {
            const to = Array.isArray(mail.to) ? mail.to[0] : mail.to
            received.push({
              to: to?.value[0]?.address ?? '',
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              idempotencyKey: String(mail.headers.get('x-quantrac-idempotency-key') ?? ''),
              messageId: mail.messageId,
            })
            callback()
          })
          .catch(callback)
      },
    })
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject)
      server!.listen(port, '127.0.0.1', () => resolve())
    })
    port = (server.server.address() as AddressInfo).port
  }
  await start()
  return {
    received,
    get url() {
      return `smtp://127.0.0.1:${port}`
    },
    start,
    async stop(): Promise<void> {
      await new Promise<void>((resolve) => server!.close(() => resolve()))
    },
  }
}

export interface ReceivedHook {
  headers: IncomingHttpHeaders
  /** The raw body, as signed. */
  body: string
  path: string
}

/** A real HTTP receiver for webhooks; `failNext(n)` answers the next n requests 503, as an outage would. */
export async function startWebhookReceiver() {
  const received: ReceivedHook[] = []
  let failing = 0
  let refused = 0
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (failing > 0) {
        failing--
        refused++
        response.writeHead(503).end()
        return
      }
      received.push({
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        path: request.url ?? '',
      })
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    received,
    url: `http://127.0.0.1:${port}`,
    failNext(count: number) {
      failing = count
    },
    get refused() {
      return refused
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
