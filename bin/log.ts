import { createRequire } from 'node:module'
import { pino } from 'pino'

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty')
    return true
  } catch {
    return false
  }
}

/** JSON lines for machines; readable lines when a person watches a terminal and pino-pretty is installed. */
export function createLogger(level = process.env.QUANTRAC_LOG_LEVEL ?? 'info') {
  const pretty = process.stdout.isTTY && prettyAvailable()
  return pino({
    level,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'],
      remove: true,
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' },
          },
        }
      : {}),
  })
}
