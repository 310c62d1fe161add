import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { emailSender } from '../../../notify/email.ts'
import type { AccountSettings } from '../../config.ts'

declare module 'fastify' {
  interface FastifyInstance {
    accountMail: {
      /** Sends in the background: the answer never waits for SMTP, so its time tells nothing. */
      send(to: string, message: { subject: string; text: string }): void
      /** Where a mail's links point: QUANTRAC_PUBLIC_URL, else the address the API listens on. */
      publicUrl(): string
    }
  }
}

/**
 * Password-reset and invitation mail through the notifications' mailer (notify/email.ts, QUANTRAC_SMTP_URL).
 * A link's address is never taken from the request's Host header: a forged Host would otherwise put the
 * attacker's site, and the victim's token, in the mail.
 */
export default fp(
  async function accountMailer(fastify: FastifyInstance, options: AccountSettings) {
    const email = emailSender(options.smtpUrl, options.smtpFrom)
    fastify.decorate('accountMail', {
      send(to, message) {
        const idempotencyKey = `account-${randomBytes(12).toString('hex')}`
        email.send({ to, ...message, idempotencyKey }).catch((err: Error) => {
          // The address is the person's own, the reason SMTP's: neither is a secret; the link is not logged.
          fastify.log.warn({ to, reason: err.message }, 'account mail not sent')
        })
      },
      publicUrl() {
        if (options.publicUrl !== undefined) return options.publicUrl
        const address = fastify.server.address()
        if (address === null || typeof address === 'string') return 'http://127.0.0.1'
        const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address
        return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
      },
    })
    fastify.addHook('onClose', async () => email.close())
  },
  { name: 'account-mailer' },
)
