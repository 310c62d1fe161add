import type { Logger } from 'pino'

/** Runs `close` functions in order on SIGINT or SIGTERM, then exits; a second signal exits at once. */
export function closeOnSignal(log: Logger, steps: (() => Promise<void> | void)[]): void {
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) process.exit(1)
    closing = true
    log.info({ signal }, 'shutting down')
    for (const step of steps) {
      try {
        await step()
      } catch (err) {
        log.error({ err }, 'error while shutting down')
      }
    }
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
}
