// @ts-check
// A JSON request with the signed-in key or session (its CSRF token on writes): a 401 throws AuthError so the
// page asks to sign in; another refusal throws an Error with the API's message and the status.
import { AuthError, withApiKey } from './sign-in.js'

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
export async function requestJson(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(path, {
    method,
    headers: withApiKey(headers),
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (response.status === 401) throw new AuthError(`${path}: HTTP 401`)
  const text = await response.text()
  const parsed = text === '' ? {} : JSON.parse(text)
  if (!response.ok) {
    throw Object.assign(new Error(parsed.message ?? `HTTP ${response.status}`), { status: response.status })
  }
  return parsed
}
