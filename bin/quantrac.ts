#!/usr/bin/env node
/**
 * quantrac's one command line. `quantrac start` runs the whole platform in one process on the embedded
 * defaults; `broker`, `ingest` and `api` run the parts as separate processes; `simulate` drives sensors;
 * `exposure` evaluates a dosimeter or detector export offline.
 */
import { ConfigError, PortInUseError } from '../core/config.ts'
import { RegistryUnavailableError } from '../registry/errors.ts'
import { DataDirInUseError } from './data-lock.ts'

const USAGE = `usage: quantrac <command> [options]

commands:
  start       broker, ingest, API and simulated demo facilities in one process (embedded SQLite store)
  broker      the MQTT broker alone
  ingest      the ingest service alone (QUANTRAC_MQTT_URL points at the broker)
  api         the HTTP API and live feed alone
  simulate    publish simulated sensor readings (see --help)
  exposure    evaluate a CSV of readings against a limit profile (see --help)
  admin       create and revoke API keys, register organisations (see quantrac admin)
  backfill    write years of simulated history into the registry and store (see --help)

Configuration comes from QUANTRAC_* environment variables: see README.md.`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'start':
      return (await import('./start.ts')).runStart(rest)
    case 'broker':
      return (await import('./separate-parts.ts')).runBroker(rest)
    case 'ingest':
      return (await import('./separate-parts.ts')).runIngest(rest)
    case 'api':
      return (await import('./separate-parts.ts')).runApi(rest)
    case 'simulate':
      return (await import('../simulators/cli.ts')).runSimulateCli(rest)
    case 'backfill':
      return (await import('../simulators/backfill-cli.ts')).runBackfillCli(rest)
    case 'admin':
      return (await import('./admin.ts')).runAdmin(rest, {
        stdout: (line) => process.stdout.write(`${line}\n`),
        stderr: (line) => process.stderr.write(`${line}\n`),
      })
    case 'exposure':
      return (await import('./exposure.ts')).runExposure(rest, {
        readFile: (path) => import('node:fs/promises').then((fs) => fs.readFile(path, 'utf8')),
        stdout: (line) => process.stdout.write(`${line}\n`),
        stderr: (line) => process.stderr.write(`${line}\n`),
      })
    case undefined:
      console.error(USAGE)
      return 2
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE)
      return 0
    default:
      console.error(`quantrac: unknown command "${command}"\n\n${USAGE}`)
      return 2
  }
}

try {
  const code = await main(process.argv.slice(2))
  // Long-running commands return -1 and live on until a signal closes them.
  if (code >= 0) process.exitCode = code
} catch (err) {
  if (
    err instanceof ConfigError ||
    err instanceof PortInUseError ||
    err instanceof DataDirInUseError ||
    err instanceof RegistryUnavailableError
  ) {
    console.error(`quantrac: ${err.message}`)
    process.exit(1)
  }
  throw err
}
