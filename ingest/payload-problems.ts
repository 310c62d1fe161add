import type { z } from 'zod'
import { readingBatchSchema, singleReadingSchema } from '../core/contract.ts'
import { FACTOR_IDS } from '../core/factors.ts'

const SHOWN_CHARS = 40

/** A value as a person reads it in a message: strings quoted and cut short, the rest by kind. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  const text = JSON.stringify(value)
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…"` : text
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    }
    previous = current
  }
  return previous[b.length]!
}

/** The known factor a misspelt one was most likely meant to be: within a third of its length. */
export function closestFactor(name: string): string | undefined {
  let best: { id: string; distance: number } | undefined
  for (const id of FACTOR_IDS) {
    const distance = levenshtein(name.toLowerCase(), id)
    if (best === undefined || distance < best.distance) best = { id, distance }
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(best.id.length / 3))
    ? best.id
    : undefined
}

/** `readings[2].value`, as the field is written in the payload. */
function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('')
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json
  for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key]
  return value
}

function explainIssue(json: unknown, issue: z.core.$ZodIssue): string {
  const field = fieldName(issue.path)
  const value = valueAt(json, issue.path)
  const at = field === '' ? 'payload' : field
  if (issue.path[issue.path.length - 1] === 'ts') {
    return `${at}: expected ISO-8601 with an offset (2026-11-23T08:00:00+07:00) or epoch milliseconds, got ${shown(value)}`
  }
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    return `${at}: required`
  }
  switch (issue.code) {
    case 'invalid_type':
      return `${at}: expected ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, got ${shown(value)}`
    case 'invalid_value':
      if (issue.path[issue.path.length - 1] === 'factor' && typeof value === 'string') {
        const meant = closestFactor(value)
        return `${field === 'factor' ? '' : `${field.slice(0, -'.factor'.length)}: `}factor ${shown(value)} is unknown — ${
          meant === undefined ? `known factors: ${FACTOR_IDS.join(', ')}` : `did you mean ${meant}?`
        }`
      }
      return `${at}: ${issue.message}, got ${shown(value)}`
    case 'unrecognized_keys':
      return `${field === '' ? '' : `${field}: `}unexpected field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`
    case 'too_big':
      return Array.isArray(value)
        ? `${at}: at most ${issue.maximum} items, got ${value.length}`
        : `${at}: at most ${issue.maximum}${typeof value === 'string' ? ' characters' : ''}, got ${shown(value)}`
    case 'too_small':
      return Array.isArray(value)
        ? `${at}: at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`
        : `${at}: at least ${issue.minimum}${typeof value === 'string' ? ' character' : ''}, got ${shown(value)}`
    default:
      return `${at}: ${issue.message}, got ${shown(value)}`
  }
}

/**
 * Why a parsed JSON payload is not a reading or a batch, naming the field and the problem:
 * `value: expected a number, got "loud"`, `factor "nosie" is unknown — did you mean noise?`, `unit: required`.
 * A payload with `readings` is judged as a batch, any other object as one reading, so the explanation is
 * about the shape the sensor meant rather than zod's "Invalid input" for the union of both.
 */
export function explainPayload(json: unknown): string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return `payload: expected a JSON object (one reading, or {"readings": […]}), got ${shown(json)}`
  }
  const schema = 'readings' in json ? readingBatchSchema : singleReadingSchema
  const result = schema.safeParse(json)
  if (result.success) return 'payload: not a reading'
  const [first, ...others] = result.error.issues
  const more =
    others.length === 0 ? '' : ` (and ${others.length} more problem${others.length === 1 ? '' : 's'})`
  return `${explainIssue(json, first!)}${more}`
}
