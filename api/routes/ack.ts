import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Alert } from '../../core/alerts.ts'
import { alertText, type Language, sourceText } from '../../core/messages/index.ts'
import { liveTopic } from '../../core/topics.ts'
import { digest } from '../../registry/credentials.ts'
import { ConflictError } from '../../registry/errors.ts'
import type { AckToken } from '../../registry/types.ts'
import { noteSchema } from '../schemas/alert.ts'

/** An ack token: 256 bits in base64url, as notify/notifier.ts makes them. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/
/** Requests per address per window: enough for a person, too few to guess a 256-bit token (nor to try). */
const RATE = { requests: 30, windowMs: 60_000 }

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )

/** Both languages on one page: the link may be forwarded to someone who reads the other. */
function page(title: { vi: string; en: string }, body: { vi: string; en: string }, form = ''): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title.vi)} · ${escapeHtml(title.en)} — quantrac</title>
<link rel="stylesheet" href="/styles.css"></head>
<body><main class="ack-page">
<h1>${escapeHtml(title.vi)}</h1><p>${body.vi}</p>
<h2 lang="en">${escapeHtml(title.en)}</h2><p lang="en">${body.en}</p>
${form}
</main></body></html>`
}

/** The alert in words in one language (core/messages): its sentence, its limit's source and the sensor. */
function describe(alert: Alert, language: Language): string {
  return escapeHtml(
    `${alertText(alert, language)} (${sourceText(alert.source, language)}) · ${alert.sensorId}`,
  )
}

/**
 * Acknowledge from the message, without an API key: `GET /ack/{token}` shows the alert and a form (a
 * mail scanner that opens the link acknowledges nothing), `POST` acknowledges it in the name of the contact
 * the message went to, through the alert register (its audit entry included) like the API's acknowledge.
 * The token is single-use and expires; one that is unknown, used or expired gets a page saying so and a
 * 4xx. The token is never logged: a failure is logged without the URL.
 */
export default async function ackRoutes(fastify: FastifyInstance) {
  const hits = new Map<string, { count: number; since: number }>()
  function limited(address: string, now: number): boolean {
    if (hits.size > 10_000)
      for (const [key, hit] of hits) if (now - hit.since > RATE.windowMs) hits.delete(key)
    const hit = hits.get(address)
    if (hit === undefined || now - hit.since > RATE.windowMs) {
      hits.set(address, { count: 1, since: now })
      return false
    }
    hit.count++
    return hit.count > RATE.requests
  }

  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 8192 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  )

  const send = (reply: FastifyReply, status: number, html: string) =>
    reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html)

  type Found =
    | { ok: true; hash: string; token: AckToken; alert: Alert }
    | { ok: false; status: number; html: string }

  async function lookUp(raw: string, now: number): Promise<Found> {
    const token = TOKEN.test(raw) ? await fastify.notifications.findAckToken(digest(raw)) : undefined
    if (token === undefined) {
      return {
        ok: false,
        status: 404,
        html: page(
          { vi: 'Liên kết không hợp lệ', en: 'This link is not valid' },
          {
            vi: 'Liên kết xác nhận này không tồn tại. Hãy mở trang giám sát để xác nhận cảnh báo.',
            en: 'This acknowledge link does not exist. Open the live page to acknowledge the alert.',
          },
        ),
      }
    }
    if (token.usedAt !== undefined || token.expiresAt <= now) {
      const used = token.usedAt !== undefined
      return {
        ok: false,
        status: 410,
        html: page(
          used
            ? { vi: 'Liên kết đã được dùng', en: 'This link has been used' }
            : { vi: 'Liên kết đã hết hạn', en: 'This link has expired' },
          {
            vi: 'Mỗi liên kết chỉ dùng được một lần và có hạn. Hãy mở trang giám sát để xem cảnh báo.',
            en: 'Each link works once, for a limited time. Open the live page to see the alert.',
          },
        ),
      }
    }
    const alert = await fastify.alerts.get(token.alertId)
    if (alert === undefined)
      return {
        ok: false,
        status: 404,
        html: page({ vi: 'Không tìm thấy', en: 'Not found' }, { vi: '', en: '' }),
      }
    return { ok: true, hash: digest(raw), token, alert }
  }

  async function guarded(reply: FastifyReply, address: string, work: () => Promise<FastifyReply>) {
    if (limited(address, Date.now())) {
      return send(
        reply.header('retry-after', '60'),
        429,
        page(
          { vi: 'Quá nhiều yêu cầu', en: 'Too many requests' },
          { vi: 'Hãy thử lại sau một phút.', en: 'Try again in a minute.' },
        ),
      )
    }
    try {
      return await work()
    } catch (err) {
      fastify.log.error({ err }, 'acknowledge link failed')
      return send(
        reply,
        500,
        page({ vi: 'Lỗi', en: 'Error' }, { vi: 'Hãy thử lại.', en: 'Please try again.' }),
      )
    }
  }

  fastify.get<{ Params: { token: string } }>('/ack/:token', { schema: { hide: true } }, (request, reply) =>
    guarded(reply, request.ip, async () => {
      const found = await lookUp(request.params.token, Date.now())
      if (!found.ok) return send(reply, found.status, found.html)
      const who = escapeHtml(found.token.contact)
      const form = `<form method="post" class="ack-form">
<label for="note">Ghi chú (không bắt buộc) · Note (optional)</label>
<textarea id="note" name="note" maxlength="1000" rows="3"></textarea>
<button type="submit">Xác nhận đã nhận · Acknowledge</button></form>`
      return send(
        reply,
        200,
        page(
          { vi: 'Xác nhận cảnh báo', en: 'Acknowledge the alert' },
          {
            vi: `${describe(found.alert, 'vi')}<br>Xác nhận với tên <strong>${who}</strong>.`,
            en: `${describe(found.alert, 'en')}<br>You acknowledge as <strong>${who}</strong>.`,
          },
          form,
        ),
      )
    }),
  )

  fastify.post<{ Params: { token: string }; Body: { note?: unknown } | null }>(
    '/ack/:token',
    { schema: { hide: true } },
    (request, reply) =>
      guarded(reply, request.ip, async () => {
        const now = Date.now()
        const found = await lookUp(request.params.token, now)
        if (!found.ok) return send(reply, found.status, found.html)
        const given = request.body?.note
        const note =
          given === undefined || given === ''
            ? { success: true as const, data: undefined }
            : noteSchema.safeParse(given)
        if (!note.success) {
          return send(
            reply,
            400,
            page(
              { vi: 'Ghi chú không hợp lệ', en: 'The note is not valid' },
              {
                vi: 'note: tối đa 1000 ký tự, không có ký tự điều khiển.',
                en: 'note: up to 1000 characters, no control characters.',
              },
            ),
          )
        }
        if (!(await fastify.notifications.useAckToken(found.hash, now))) {
          return send(
            reply,
            410,
            page({ vi: 'Liên kết đã được dùng', en: 'This link has been used' }, { vi: '', en: '' }),
          )
        }
        let alert: Alert
        try {
          ;({ alert } = await fastify.alerts.acknowledgeAlert(found.token.alertId, {
            actor: { name: `${found.token.contact} (ack link)`, role: 'officer' },
            at: now,
            note: note.data,
          }))
        } catch (err) {
          if (!(err instanceof ConflictError)) {
            await fastify.notifications.releaseAckToken(found.hash)
            throw err
          }
          const taken = found.alert.acknowledgements?.at(-1)?.by.name
          return send(
            reply,
            409,
            page(
              { vi: 'Cảnh báo đã được xác nhận', en: 'Already acknowledged' },
              {
                vi: `Không cần xác nhận nữa${taken ? `: ${escapeHtml(taken)} đã nhận xử lý` : ''}.`,
                en: `Nothing more to do${taken ? `: ${escapeHtml(taken)} has taken it` : ''}.`,
              },
            ),
          )
        }
        fastify.broker
          .publish(liveTopic(alert.facilityId, 'alerts'), JSON.stringify(alert))
          .catch((err) =>
            fastify.log.warn({ err, alertId: alert.id }, 'could not send an alert change to the live feed'),
          )
        return send(
          reply,
          200,
          page(
            { vi: 'Đã xác nhận', en: 'Acknowledged' },
            {
              vi: `${describe(alert, 'vi')}<br>Đã ghi nhận: <strong>${escapeHtml(found.token.contact)}</strong> nhận xử lý. Những người đã được báo sẽ được thông báo.`,
              en: `${describe(alert, 'en')}<br>Recorded: <strong>${escapeHtml(found.token.contact)}</strong> has taken it. Those already notified are told.`,
            },
          ),
        )
      }),
  )
}
