// @ts-check
// The REST API as the live page reads it: JSON with the signed-in key, a 401 as AuthError so the page asks
// for a key, and limit profiles cached for the page's life (they are fixed at the server's start).
import { AuthError, withApiKey } from './sign-in.js'

const profileCache = new Map()

export async function getJson(path) {
  const response = await fetch(path, { headers: withApiKey({ accept: 'application/json' }) })
  if (response.status === 401) throw new AuthError(`${path}: HTTP 401`)
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
  return response.json()
}

export async function loadLimits(profile, variant) {
  const key = `${profile}:${variant ?? ''}`
  let limits = profileCache.get(key)
  if (limits === undefined) {
    const query = variant === undefined ? '' : `&variant=${encodeURIComponent(variant)}`
    limits = getJson(`/api/v1/limits?profile=${encodeURIComponent(profile)}${query}`)
    profileCache.set(key, limits)
    limits.catch(() => profileCache.delete(key))
  }
  return limits
}

export function byFactor(limits) {
  return new Map(limits.factors.map((entry) => [entry.factor, entry]))
}

/** Posts `body` as JSON with the signed-in key; the caller reads the status. */
export function postJson(path, body) {
  return fetch(path, {
    method: 'POST',
    headers: withApiKey({ 'content-type': 'application/json', accept: 'application/json' }),
    body: JSON.stringify(body),
  })
}

/** Sends `body` as JSON with `method` and the signed-in key; the status and the answer's JSON (or {}). */
export async function sendJson(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: withApiKey({
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    }),
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (response.status === 401) throw new AuthError(`${path}: HTTP 401`)
  const answer = response.status === 204 ? {} : await response.json().catch(() => ({}))
  return { status: response.status, answer }
}
