import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { quantrac } from '../support/cli.ts'
import { type Platform, type SensorCredentials, startPlatform } from '../support/platform.ts'
import { postgresBinaries, type RunningPostgres, startPostgres } from '../support/postgres.ts'
import { waitUntil } from '../support/processes.ts'

const missing = postgresBinaries() === undefined && process.env.CI !== 'true'

/**
 * The platform as `quantrac start` wires it with QUANTRAC_REGISTRY_URL set: the broker checks the sensor's
 * password, ingest its registration, the API keys and alerts, all in PostgreSQL; nothing in registry.sqlite.
 */
describe.skipIf(missing)(
  `the platform with its registry on PostgreSQL${missing ? ' (skipped: PostgreSQL is not installed; Debian: apt-get install postgresql)' : ''}`,
  () => {
    let server: RunningPostgres
    let registryUrl: string
    let platform: Platform
    let sensor: SensorCredentials
    let device: MqttClient
    let officer: { token: string; keyId: string }
    let alertId: string

    const inDatabase = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
      const client = new pg.Client(registryUrl)
      await client.connect()
      try {
        return (await client.query<T>(sql, params)).rows
      } finally {
        await client.end()
      }
    }

    beforeAll(async () => {
      server = await startPostgres()
      registryUrl = await server.createDatabase()
      platform = await startPlatform({ registryUrl })
    })

    afterAll(async () => {
      await device?.endAsync()
      await platform?.stop()
      await server?.stop()
    })

    it('registers a sensor over HTTP into PostgreSQL, with credentials the broker accepts', async () => {
      // NIOSH gives CO a ceiling of 200 ppm (alarm).
      sensor = await platform.registerSensor('plant-pg', 'co-pg', ['gas.co'], 'niosh')
      // Ingest reads facilities' profiles every 30 s: a restart reads this one now.
      await platform.restartIngest()
      const [row] = await inDatabase<{ facility_id: string; factors: string[]; has_secret: boolean }>(
        'SELECT facility_id, factors, secret_hash IS NOT NULL AS has_secret FROM sensor WHERE id = $1',
        ['co-pg'],
      )
      expect(row).toEqual({ facility_id: 'plant-pg', factors: ['gas.co'], has_secret: true })
      expect(existsSync(join(platform.dataDir, 'registry.sqlite'))).toBe(false)
      device = await platform.connectSensor(sensor)
      const key = await platform.call('POST', '/api/v1/keys', {
        name: 'Nguyễn Thị Lan',
        role: 'officer',
        facilityId: 'plant-pg',
      })
      expect(key.status).toBe(201)
      officer = { token: key.body.token, keyId: key.body.key.id }
    })

    it('stores readings sent over MQTT and shows them through the API', async () => {
      await device.publishAsync(sensor.topic, JSON.stringify({ factor: 'gas.co', value: 12, unit: 'ppm' }), {
        qos: 1,
      })
      let latest: any
      await waitUntil(
        async () => {
          latest = (
            await platform.call('GET', '/api/v1/readings/latest?sensor=co-pg', undefined, officer.token)
          ).body
          return latest?.items?.length === 1
        },
        20_000,
        () => `no latest reading: ${JSON.stringify(latest)}`,
      )
      expect(latest.items[0]).toMatchObject({ sensorId: 'co-pg', factor: 'gas.co', value: 12 })
      // Ingest records when sensors were last seen every 30 s and when it stops.
      await platform.restartIngest()
      const [seen] = await inDatabase<{ last_seen_at: number | null }>(
        'SELECT last_seen_at FROM sensor WHERE id = $1',
        ['co-pg'],
      )
      expect(seen?.last_seen_at).not.toBeNull()
    })

    it('raises an alarm from a reading over the ceiling, kept in PostgreSQL', async () => {
      await device.publishAsync(sensor.topic, JSON.stringify({ factor: 'gas.co', value: 300, unit: 'ppm' }), {
        qos: 1,
      })
      let alerts: any
      await waitUntil(
        async () => {
          alerts = (
            await platform.call(
              'GET',
              '/api/v1/alerts?facility=plant-pg&state=open',
              undefined,
              officer.token,
            )
          ).body
          return alerts?.total === 1
        },
        20_000,
        () => `no open alarm: ${JSON.stringify(alerts)}`,
      )
      expect(alerts.items[0]).toMatchObject({
        sensorId: 'co-pg',
        kind: 'ceiling',
        level: 'alarm',
        value: 300,
      })
      alertId = alerts.items[0].id
      const rows = await inDatabase<{ state: string }>('SELECT state FROM alert WHERE id = $1', [alertId])
      expect(rows).toEqual([{ state: 'open' }])
    })

    it('takes the officer’s acknowledgement over HTTP, shown by the API and recorded in the audit trail', async () => {
      const acknowledged = await platform.call(
        'POST',
        `/api/v1/alerts/${alertId}/acknowledge`,
        { note: 'đã thông gió' },
        officer.token,
      )
      expect(acknowledged.status).toBe(200)
      const { body: alert } = await platform.call(
        'GET',
        `/api/v1/alerts/${alertId}`,
        undefined,
        officer.token,
      )
      expect(alert).toMatchObject({
        state: 'acknowledged',
        acknowledgements: [{ by: { keyId: officer.keyId, name: 'Nguyễn Thị Lan' }, note: 'đã thông gió' }],
      })
      const audit = (await platform.call('GET', '/api/v1/audit?action=alert.acknowledge')).body
      expect(audit.items).toMatchObject([
        { actor: { keyId: officer.keyId }, target: { type: 'alert', id: alertId } },
      ])
      const events = await inDatabase<{ type: string }>(
        'SELECT type FROM alert_event WHERE alert_id = $1 ORDER BY seq',
        [alertId],
      )
      expect(events.map((e) => e.type)).toEqual(['opened', 'acknowledged'])
    })

    it('refuses the sensor once its credentials are revoked, read from PostgreSQL', async () => {
      expect((await platform.call('DELETE', '/api/v1/sensors/co-pg/credentials')).status).toBe(204)
      await expect(platform.connectSensor(sensor)).rejects.toThrow(/Not authorized|Bad username or password/)
    })

    it('lets `quantrac admin` create a key in the same database, which the running API then accepts', async () => {
      const created = await quantrac(['admin', 'create-key', '--role', 'regulator', '--name', 'Sở Y tế'], {
        QUANTRAC_REGISTRY_URL: registryUrl,
        QUANTRAC_DATA_DIR: platform.dataDir,
      })
      expect(created.code, created.stderr).toBe(0)
      const token = created.stdout.trim()
      expect((await platform.call('GET', '/api/v1/facilities', undefined, token)).status).toBe(200)
      expect(existsSync(join(platform.dataDir, 'registry.sqlite'))).toBe(false)
      // The database URL holds a password: it is not printed.
      expect(created.stdout + created.stderr).not.toContain(new URL(registryUrl).password)
    })

    it('refuses to start on a registry URL that is no PostgreSQL one, or a database it cannot sign in to, in one line without the password', async () => {
      const wrongScheme = await quantrac(['admin', 'list-keys'], {
        QUANTRAC_REGISTRY_URL: 'mysql://db/quantrac',
      })
      expect(wrongScheme.code).toBe(1)
      expect(wrongScheme.stderr).toContain('QUANTRAC_REGISTRY_URL: a postgres:// or postgresql:// URL')
      const wrong = new URL(registryUrl)
      wrong.password = 'not-the-password-4e1d'
      const refused = await quantrac(['admin', 'list-keys'], { QUANTRAC_REGISTRY_URL: wrong.toString() })
      expect(refused.code).toBe(1)
      expect(refused.stderr.trim()).toMatch(
        /^quantrac: cannot open the registry in PostgreSQL at postgres:\/\/quantrac:\*\*\*@127\.0\.0\.1:\d+\/quantrac_test_[\d_]+: password authentication failed/,
      )
      expect(refused.stdout + refused.stderr).not.toContain('not-the-password-4e1d')
    })
  },
)
