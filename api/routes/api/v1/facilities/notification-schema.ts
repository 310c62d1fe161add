import { z } from 'zod'
import { ALERT_KINDS, ALERT_LEVELS } from '../../../../../core/alerts.ts'
import {
  type Channel,
  type EscalationPolicy,
  LANGUAGES,
  templateProblem,
} from '../../../../../core/notifications.ts'
import { idSchema } from '../../../../schemas/common.ts'

const levelsSchema = z
  .array(z.enum(ALERT_LEVELS))
  .min(1)
  .max(3)
  .refine((levels) => new Set(levels).size === levels.length, 'each level once')
  .describe('The levels the channel hears of')
const kindsSchema = z
  .array(z.enum(ALERT_KINDS))
  .min(1)
  .max(ALERT_KINDS.length)
  .describe('Only these alert kinds (every kind when absent); contractors: sensor-offline, sensor-fault only')
const nameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((text) => !/\p{Cc}/u.test(text), 'no control characters')
  .describe('Whom it reaches ("Ca trực đêm"): the name an acknowledgement from its link carries')
/** HTTP header names a chat service's token travels in (Zalo OA `access_token`, an SMS gateway's key). */
const headerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9-_]{1,64}$/, 'a header name is letters, digits, "-" or "_"')
  .refine(
    (name) => !/^(content-type|content-length|host|x-quantrac-.*)$/i.test(name),
    'this header is set by quantrac',
  )
const headerValueSchema = z
  .string()
  .max(2000)
  .refine((value) => !/[\r\n\0]/.test(value), 'no line breaks in a header value')

const common = {
  id: idSchema,
  name: nameSchema,
  levels: levelsSchema,
  kinds: kindsSchema.optional(),
  language: z.enum(LANGUAGES).default('vi').describe('The language of its messages: vi (default) or en'),
}
const webhookFields = {
  url: z
    .string()
    .max(2000)
    .describe('http(s) only, no credentials in it; see QUANTRAC_WEBHOOK_ALLOWED_HOSTS'),
  bodyTemplate: z
    .string()
    .max(10_000)
    .refine((template) => templateProblem(template) === undefined, {
      error: (issue) => templateProblem(issue.input as string) ?? 'not a usable template',
    })
    .optional()
    .describe('A JSON body with {{placeholders}} (README "Notifications"); the standard body when absent'),
}
const secretSchema = z
  .string()
  .min(16, 'a webhook secret is at least 16 characters')
  .max(200)
  .describe('The HMAC-SHA256 key of X-Quantrac-Signature; never shown again')
const headersSchema = z
  .record(headerNameSchema, headerValueSchema)
  .refine((headers) => Object.keys(headers).length <= 10, 'at most 10 headers')
  .describe('Extra headers sent with each POST (a token); never shown again')

export const channelInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('email'),
    ...common,
    to: z.array(z.email()).min(1).max(20).describe('Addresses; each gets its own message and ack link'),
  }),
  z.strictObject({
    kind: z.literal('webhook'),
    ...common,
    ...webhookFields,
    secret: secretSchema,
    headers: headersSchema.optional(),
  }),
])

/** A change: any field but `id` and `kind`; a webhook's secret or headers only when replaced. */
export const channelPatchSchema = z.strictObject({
  name: nameSchema.optional(),
  levels: levelsSchema.optional(),
  kinds: kindsSchema.nullable().optional().describe('null: every kind again'),
  language: z.enum(LANGUAGES).optional(),
  to: z.array(z.email()).min(1).max(20).optional(),
  url: webhookFields.url.optional(),
  bodyTemplate: webhookFields.bodyTemplate.nullable().optional(),
  secret: secretSchema.optional(),
  headers: headersSchema.optional(),
})

/** A webhook URL as shown: its origin, the rest hidden (Slack's and Telegram's URLs carry their token). */
export function shownUrl(url: string): string {
  const parsed = new URL(url)
  return parsed.pathname === '/' && parsed.search === '' ? `${parsed.origin}/` : `${parsed.origin}/…`
}

export const channelSchema = z.object({
  id: z.string(),
  facilityId: z.string(),
  kind: z.enum(['email', 'webhook']),
  name: z.string(),
  levels: z.array(z.enum(ALERT_LEVELS)),
  kinds: z.array(z.enum(ALERT_KINDS)).optional(),
  language: z.enum(LANGUAGES),
  to: z.array(z.string()).optional(),
  url: z.string().optional().describe('Its origin only: the path may hold a token'),
  bodyTemplate: z.string().optional(),
  headerNames: z
    .array(z.string())
    .optional()
    .describe('The extra headers it sends; their values are not shown'),
  hasSecret: z.boolean().optional(),
})

export function channelResponse(channel: Channel): z.input<typeof channelSchema> {
  if (channel.kind === 'email') return channel
  return { ...channel, url: shownUrl(channel.url), hasSecret: true }
}

const clockSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00–23:59')

export const escalationInputSchema = z.strictObject({
  tiers: z
    .array(
      z.strictObject({
        delayMinutes: z
          .number()
          .min(0)
          .max(24 * 60)
          .describe(
            'Minutes after the alert reached its level, while nobody acknowledges; fractions allowed',
          ),
        channelIds: z.array(idSchema).min(1).max(20),
      }),
    )
    .min(1)
    .max(10),
  repeatMinutes: z
    .number()
    .min(0.01)
    .max(24 * 60)
    .optional()
    .describe('Each tier is told again this often until someone acknowledges'),
  quietHours: z
    .strictObject({
      start: clockSchema,
      end: clockSchema,
      holdBack: z
        .array(z.enum(['warning', 'alarm']))
        .min(1)
        .default(['warning'])
        .describe('Levels held back until the window ends; critical never is'),
    })
    .optional()
    .describe('Vietnam time (UTC+7)'),
})

export const escalationSchema = z.object({
  facilityId: z.string(),
  tiers: z.array(z.object({ delayMinutes: z.number(), channelIds: z.array(z.string()) })),
  repeatMinutes: z.number().optional(),
  quietHours: z
    .object({ start: z.string(), end: z.string(), holdBack: z.array(z.enum(['warning', 'alarm'])) })
    .optional(),
})

export function escalationResponse(policy: EscalationPolicy): z.input<typeof escalationSchema> {
  return policy
}
