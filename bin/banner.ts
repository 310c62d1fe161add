/** What `quantrac start` has to tell the person who started it. */
export interface BannerFacts {
  apiUrl: string
  mqttUrl: string
  /** The broker's TLS listener, when it has one. */
  mqttTlsUrl?: string
  /** The broker's WebSocket listener, when it has one. */
  mqttWebSocketUrl?: string
  dataDir: string
  demo?: {
    keysFile: string
    keys: { officer: string; regulator: string }
    /** The demo's people who sign in on the page, by role. */
    users: Record<string, { email: string; password: string }>
    officerOf: string
    tryCommand: string
  }
}

const DEFAULT_DATA_DIR = './data'

/**
 * The start-up banner as plain lines: written as they are to stdout, so it reads the same on a terminal and
 * in a log file (as a log message it was one JSON line of `\n` escapes). Without the demo there is no key
 * yet, so it says how to make one.
 */
export function startupBanner(facts: BannerFacts): string {
  const { demo } = facts
  const lines = [
    'quantrac is running',
    `  live page      ${facts.apiUrl}/${demo ? `#key=${demo.keys.officer}` : ''}${demo ? `   (signed in as the demo safety officer of ${demo.officerOf})` : ''}`,
    `  sensors page   ${facts.apiUrl}/sensors.html   (contractors register and commission sensors)`,
    `  API docs       ${facts.apiUrl}/docs`,
    `  MQTT broker    ${facts.mqttUrl}`,
  ]
  if (facts.mqttTlsUrl !== undefined) lines.push(`  MQTT over TLS  ${facts.mqttTlsUrl}`)
  if (facts.mqttWebSocketUrl !== undefined) lines.push(`  MQTT over WS   ${facts.mqttWebSocketUrl}`)
  if (demo !== undefined) {
    lines.push(
      `  API keys       ${demo.keysFile} (officer of ${demo.officerOf}, contractor, regulator, admin)`,
      `  officer key    ${demo.keys.officer}`,
      `  regulator key  ${demo.keys.regulator}`,
      `  sign in        ${facts.apiUrl}/ with e-mail and password (also in ${demo.keysFile}):`,
      ...Object.entries(demo.users).map(
        ([role, user]) => `  ${role.padEnd(14)} ${user.email}  ${user.password}`,
      ),
      `  try            ${demo.tryCommand}`,
    )
  } else {
    const dataDir = facts.dataDir === DEFAULT_DATA_DIR ? '' : `QUANTRAC_DATA_DIR=${facts.dataDir} `
    lines.push(
      '  API keys       none yet (QUANTRAC_DEMO=false): create the first one with',
      `                 ${dataDir}npx quantrac admin create-key --role admin --name "your name"`,
    )
  }
  lines.push('  stop           Ctrl+C')
  return lines.join('\n')
}
