import { createTransport, type Transporter } from 'nodemailer'

export interface Email {
  to: string
  subject: string
  text: string
  /** Also the Message-ID: a message sent again after a crash carries the same one. */
  idempotencyKey: string
}

/**
 * E-mail through the SMTP server of QUANTRAC_SMTP_URL (credentials and `?secure`/STARTTLS as nodemailer
 * reads them from the URL). One transport per notifier; an unreachable server is an error the
 * dispatcher retries.
 */
export function emailSender(smtpUrl: string | undefined, from: string) {
  let transport: Transporter | undefined
  return {
    async send(email: Email): Promise<void> {
      if (smtpUrl === undefined) throw new Error('QUANTRAC_SMTP_URL is not set: e-mail cannot be sent')
      transport ??= createTransport(
        { url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 },
        { from },
      )
      const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'quantrac.local'
      await transport.sendMail({
        to: email.to,
        subject: email.subject,
        text: email.text,
        messageId: `<${encodeURIComponent(email.idempotencyKey)}@${domain}>`,
        headers: { 'X-Quantrac-Idempotency-Key': email.idempotencyKey },
      })
    },
    close(): void {
      transport?.close()
    },
  }
}
