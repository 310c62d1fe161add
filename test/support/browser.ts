import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/** Debian's Chromium. Tests never download a browser: they use the system's, or say why they cannot run. */
export const CHROMIUM_PATH = process.env.QUANTRAC_CHROMIUM ?? '/usr/bin/chromium'

/** Why browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined
  return `Chromium is not installed at ${CHROMIUM_PATH} (Debian: apt-get install chromium, or set QUANTRAC_CHROMIUM)`
}

/** A headless Chromium that stays off the network except for the pages a test opens. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
