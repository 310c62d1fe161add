import { z } from 'zod'

/** Hosts a webhook may point at, when the list is set (README "Notifications", the link's and webhooks' security). */
export const webhookEnv = {
  QUANTRAC_WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter((host) => host !== ''),
    )
    .optional(),
}

/** How mail leaves (the notifier's and the API's account mails alike) and where its links point. */
export const mailEnv = {
  QUANTRAC_SMTP_URL: z
    .url()
    .refine((url) => /^smtps?:\/\//.test(url), 'an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail:587')
    .optional(),
  QUANTRAC_SMTP_FROM: z.string().min(3).default('quantrac <quantrac@localhost>'),
  /** Where people open the links of a message: the API's address as they reach it (a proxy's, HTTPS). */
  QUANTRAC_PUBLIC_URL: z
    .url()
    .refine((url) => /^https?:\/\//.test(url), 'an http(s) URL')
    .optional(),
}

/** The notifier's settings (README "Notifications", Configuration). */
export const notifyEnv = {
  ...webhookEnv,
  ...mailEnv,
  /** false: this process sends nothing (another one does, e.g. the API run apart). */
  QUANTRAC_NOTIFY: z.stringbool().default(true),
  QUANTRAC_ACK_LINK_TTL_H: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
  QUANTRAC_NOTIFY_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  QUANTRAC_NOTIFY_BATCH: z.coerce.number().int().min(1).max(1000).default(20),
  QUANTRAC_NOTIFY_RETRY_BASE_S: z.coerce.number().positive().max(3600).default(5),
  QUANTRAC_NOTIFY_RETRY_MAX_S: z.coerce.number().positive().max(86_400).default(600),
  QUANTRAC_NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100_000).default(200),
}

const notifySchema = z.object(notifyEnv)
export type NotifyConfig = z.infer<typeof notifySchema>

export interface NotifySettings {
  smtpUrl?: string
  smtpFrom: string
  publicUrl?: string
  webhookAllowedHosts?: string[]
  ackLinkTtlMs: number
  intervalMs: number
  batch: number
  retryBaseMs: number
  retryMaxMs: number
  maxAttempts: number
}

export function notifySettings(config: NotifyConfig = notifySchema.parse({})): NotifySettings {
  return {
    smtpUrl: config.QUANTRAC_SMTP_URL,
    smtpFrom: config.QUANTRAC_SMTP_FROM,
    publicUrl: config.QUANTRAC_PUBLIC_URL?.replace(/\/+$/, ''),
    webhookAllowedHosts: config.QUANTRAC_WEBHOOK_ALLOWED_HOSTS,
    ackLinkTtlMs: config.QUANTRAC_ACK_LINK_TTL_H * 3_600_000,
    intervalMs: config.QUANTRAC_NOTIFY_INTERVAL_MS,
    batch: config.QUANTRAC_NOTIFY_BATCH,
    retryBaseMs: config.QUANTRAC_NOTIFY_RETRY_BASE_S * 1000,
    retryMaxMs: config.QUANTRAC_NOTIFY_RETRY_MAX_S * 1000,
    maxAttempts: config.QUANTRAC_NOTIFY_MAX_ATTEMPTS,
  }
}
