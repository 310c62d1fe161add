import type { TestProject } from 'vitest/node'
import { influxdPath, type RunningInfluxd, startInfluxd } from '../support/influxd.ts'
import { type RunningPostgres, startPostgres } from '../support/postgres.ts'
import { findOnPath } from '../support/processes.ts'
import { redisServerPath } from '../support/redis.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a throw-away InfluxDB 1.x, or null when `influxd` is not installed. */
    influxUrl: string | null
    /** Path of the `mosquitto` binary, or null when it is not installed. */
    mosquittoPath: string | null
    /** Path of the `redis-server` binary, or null when it is not installed. */
    redisServerPath: string | null
    /**
     * With QUANTRAC_TEST_REGISTRY=postgres: a throw-away PostgreSQL's admin URL, on which every platform a
     * test starts gets a database of its own for its registry; null runs them on SQLite.
     */
    postgresAdminUrl: string | null
  }
}

/**
 * Starts one InfluxDB for the whole integration run. Missing servers make the tests that need them report
 * themselves skipped, except under CI=true, where a missing server is a failure: CI must really run them.
 */
export default async function setup(project: TestProject) {
  const ci = process.env.CI === 'true'
  const missing: string[] = []
  let influxd: RunningInfluxd | undefined
  if (influxdPath() !== undefined) influxd = await startInfluxd()
  else missing.push('influxd (Debian: apt-get install influxdb)')
  const mosquittoPath = findOnPath('mosquitto') ?? findOnPath('/usr/sbin/mosquitto') ?? null
  if (mosquittoPath === null) missing.push('mosquitto (Debian: apt-get install mosquitto)')
  const redisPath = redisServerPath() ?? null
  if (redisPath === null) missing.push('redis-server (Debian: apt-get install redis-server)')
  if (missing.length > 0) {
    const message = `integration servers not installed: ${missing.join(', ')}`
    if (ci) {
      await influxd?.stop()
      throw new Error(`${message}; CI=true requires them`)
    }
    console.warn(`\n  SKIPPED parts of the integration tests: ${message}\n`)
  }
  // Opt-in: the whole integration suite on the PostgreSQL registry, as several machines would run it.
  const postgres: RunningPostgres | undefined =
    process.env.QUANTRAC_TEST_REGISTRY === 'postgres' ? await startPostgres() : undefined
  project.provide('influxUrl', influxd?.url ?? null)
  project.provide('mosquittoPath', mosquittoPath)
  project.provide('redisServerPath', redisPath)
  project.provide('postgresAdminUrl', postgres?.adminUrl ?? null)
  return async () => {
    await influxd?.stop()
    await postgres?.stop()
  }
}
