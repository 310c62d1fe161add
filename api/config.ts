import { z } from 'zod'
import { listenEnv, metricsEnv, mqttClientEnv } from '../core/config.ts'
import { mailEnv, webhookEnv } from '../notify/config.ts'
import { storeEnv } from '../store/config.ts'

/** What the app itself is configured with, apart from where it listens and what it reads. */
export const apiSettingsEnv = {
  ...metricsEnv,
  ...webhookEnv,
  QUANTRAC_LIVE_MAX_ROOMS_PER_SOCKET: z.coerce.number().int().min(1).default(50),
  QUANTRAC_LIVE_MAX_SOCKETS_PER_KEY: z.coerce.number().int().min(1).default(20),
  QUANTRAC_LIVE_RECHECK_S: z.coerce.number().min(1).default(30),
  /** A signed-in session ends after this long without a request (a 12-hour shift by default)… */
  QUANTRAC_SESSION_IDLE_MINUTES: z.coerce.number().min(1).default(720),
  /** …and this long after sign-in, whatever the activity. */
  QUANTRAC_SESSION_MAX_HOURS: z.coerce.number().min(1).default(168),
  /** Behind a TLS-terminating proxy: `X-Forwarded-Proto: https` makes the session cookie Secure. */
  QUANTRAC_TRUST_PROXY: z.stringbool().default(false),
  ...mailEnv,
  /** How long a password-reset link opens (OWASP's forgot-password advice: short). */
  QUANTRAC_PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  QUANTRAC_INVITATION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(168),
  /** Account mails (reset links) one source address may ask for in an hour; each e-mail gets at most 3. */
  QUANTRAC_ACCOUNT_MAILS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Passwords set with a link from one address in a minute: each is hashed with scrypt (CPU). */
  QUANTRAC_ACCOUNT_LINK_TRIES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  /**
   * Several API instances: socket.io's Redis adapter on this Redis (`redis://[user:password@]host:6379`,
   * `rediss://` for TLS). Unset, the instance stands alone (README "Scaling out").
   */
  QUANTRAC_REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'a redis:// or rediss:// URL' }).optional(),
  /**
   * The broker as sensors reach it, written into the device configuration shown when a sensor is registered
   * (`mqtts://mqtt.example.vn:8883`); by default the address the services use.
   */
  QUANTRAC_SENSOR_BROKER_URL: z.url({ protocol: /^mqtts?$/ }).optional(),
}

export const apiEnv = {
  ...mqttClientEnv,
  ...storeEnv,
  ...apiSettingsEnv,
  QUANTRAC_LISTEN_HOST: listenEnv.QUANTRAC_LISTEN_HOST,
  QUANTRAC_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
}

const settingsSchema = z.object(apiSettingsEnv)

export interface ApiSettings {
  metricsToken?: string
  live: { maxRoomsPerSocket: number; maxSocketsPerKey: number; recheckIntervalMs: number }
  /** What the notification routes check a webhook against. */
  notifications: { webhookAllowedHosts?: string[] }
  sessions: { idleMs: number; absoluteMs: number; trustProxy: boolean }
  /** socket.io's Redis adapter, when several API instances serve the live feed together. */
  redisUrl?: string
  accounts: AccountSettings
  /** Where sensors reach the broker, for their device configuration; none: the configuration names no broker. */
  sensorBrokerUrl?: string
}

/** Account mails: password resets and invitations (README "Accounts"). */
export interface AccountSettings {
  smtpUrl?: string
  smtpFrom: string
  /** Where the links of a mail point; the API's own address when unset. */
  publicUrl?: string
  resetTtlMs: number
  invitationTtlMs: number
  mailsPerAddressPerHour: number
  linkTriesPerAddressPerMinute: number
}

/** The app's settings from its configuration; `apiSettings()` gives the defaults. */
export function apiSettings(config: z.infer<typeof settingsSchema> = settingsSchema.parse({})): ApiSettings {
  return {
    metricsToken: config.QUANTRAC_METRICS_TOKEN,
    live: {
      maxRoomsPerSocket: config.QUANTRAC_LIVE_MAX_ROOMS_PER_SOCKET,
      maxSocketsPerKey: config.QUANTRAC_LIVE_MAX_SOCKETS_PER_KEY,
      recheckIntervalMs: config.QUANTRAC_LIVE_RECHECK_S * 1000,
    },
    notifications: { webhookAllowedHosts: config.QUANTRAC_WEBHOOK_ALLOWED_HOSTS },
    sessions: {
      idleMs: config.QUANTRAC_SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: config.QUANTRAC_SESSION_MAX_HOURS * 3_600_000,
      trustProxy: config.QUANTRAC_TRUST_PROXY,
    },
    accounts: {
      smtpUrl: config.QUANTRAC_SMTP_URL,
      smtpFrom: config.QUANTRAC_SMTP_FROM,
      publicUrl: config.QUANTRAC_PUBLIC_URL?.replace(/\/+$/, ''),
      resetTtlMs: config.QUANTRAC_PASSWORD_RESET_TTL_MINUTES * 60_000,
      invitationTtlMs: config.QUANTRAC_INVITATION_TTL_HOURS * 3_600_000,
      mailsPerAddressPerHour: config.QUANTRAC_ACCOUNT_MAILS_PER_ADDRESS,
      linkTriesPerAddressPerMinute: config.QUANTRAC_ACCOUNT_LINK_TRIES_PER_MINUTE,
    },
    redisUrl: config.QUANTRAC_REDIS_URL,
    sensorBrokerUrl: config.QUANTRAC_SENSOR_BROKER_URL,
  }
}
