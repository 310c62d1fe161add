import { createRequire } from 'node:module'
import { type DestinationStream, pino } from 'pino'

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty')
    return true
  } catch {
    return false
  }
}

/** Parts of key names whose values are never logged, at any depth (compared without case, `_` or `-`). */
const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'authorization',
  'cookie',
  'apikey',
  'credential',
]
const REDACTED = '[redacted]'
/** Secrets recognisable in any string: an API key's secret half, a URL's user info, a bearer token. */
const SECRET_VALUES: [RegExp, string][] = [
  [/\b(qk_[A-Za-z0-9-]{1,64}_)[A-Za-z0-9_-]{43}/g, `$1${REDACTED}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"]*@/gi, `$1${REDACTED}@`],
  [/\b(bearer\s+)[^\s"]+/gi, `$1${REDACTED}`],
]
/** A line that cannot hold a secret skips the parse: most lines. */
const MIGHT_HOLD_A_SECRET = /pass|secret|token|authori|cookie|api.?key|credential|qk_|:\/\/[^\s/"]*@|bearer/i

function isSecretKey(key: string): boolean {
  const plain = key.toLowerCase().replace(/[_-]/g, '')
  return SECRET_KEY_PARTS.some((part) => plain.includes(part))
}

function redactString(text: string): string {
  let redacted = text
  for (const [pattern, replacement] of SECRET_VALUES) redacted = redacted.replace(pattern, replacement)
  return redacted
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value)
  if (Array.isArray(value)) return value.map(redactValue)
  if (value === null || typeof value !== 'object') return value
  const copy: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value))
    copy[key] = isSecretKey(key) ? REDACTED : redactValue(inner)
  return copy
}

/**
 * Removes secrets from one serialised log line: the values of keys that name a secret (`password`,
 * `token`, `authorization`, `secretHash`…) at any depth — a CONNECT packet an error carries, a password
 * as a Buffer — and API keys, URL credentials and bearer tokens inside any string. It works on the line
 * pino is about to write, after every serializer ran, so nothing reaches the log around it.
 *
 * @example
 * redactLine('{"err":{"info":{"password":{"type":"Buffer","data":[104,105]}}}}\n')
 * // '{"err":{"info":{"password":"[redacted]"}}}\n'
 */
export function redactLine(line: string): string {
  if (!MIGHT_HOLD_A_SECRET.test(line)) return line
  try {
    return `${JSON.stringify(redactValue(JSON.parse(line)))}\n`
  } catch {
    // Not one JSON line (never from pino): the strings' patterns still apply.
    return redactString(line)
  }
}

/**
 * JSON lines for machines; readable lines when a person watches a terminal and pino-pretty is installed.
 * Every line goes through `redactLine`: no log line holds a password, token or secret. The level is the
 * caller's QUANTRAC_LOG_LEVEL, parsed with the rest of its configuration (core/config.ts `logEnv`).
 */
export function createLogger(level: string, destination?: DestinationStream) {
  const pretty = destination === undefined && process.stdout.isTTY && prettyAvailable()
  const options = {
    level,
    hooks: { streamWrite: redactLine },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' },
          },
        }
      : {}),
  }
  return destination === undefined ? pino(options) : pino(options, destination)
}
