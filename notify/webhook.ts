import { createHmac } from 'node:crypto'
import { webhookUrlProblem } from '../core/notifications.ts'

export interface WebhookRequest {
  url: string
  body: string
  secret: string
  headers?: Record<string, string>
  idempotencyKey: string
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`, as a receiver recomputes it with the channel's secret. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`
}

/**
 * POSTs one webhook. The URL is checked again (the allow-list may have changed since the channel was set)
 * and redirects are not followed, so an allowed host cannot bounce the request elsewhere. Anything but a
 * 2xx is an error naming the status and the host, never the path (which may hold a token).
 */
export async function postWebhook(request: WebhookRequest, allowedHosts?: readonly string[]): Promise<void> {
  const problem = webhookUrlProblem(request.url, allowedHosts)
  if (problem !== undefined) throw new Error(`webhook refused: ${problem}`)
  const host = new URL(request.url).host
  let response: Response
  try {
    response = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: {
        ...request.headers,
        'content-type': 'application/json',
        'user-agent': 'quantrac-notifier',
        'x-quantrac-signature': signature(request.body, request.secret),
        'x-quantrac-idempotency-key': request.idempotencyKey,
      },
      body: request.body,
    })
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code
    throw new Error(`webhook to ${host} failed: ${cause ?? (err as Error).name}`)
  }
  await response.body?.cancel()
  if (response.status < 200 || response.status >= 300)
    throw new Error(`webhook to ${host} answered HTTP ${response.status}`)
}
