import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { MqttClient } from 'mqtt'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ALERT_CSV_COLUMNS } from '../../api/routes/api/v1/alerts/schema.ts'
import { extractQueries, interpolate, loadDashboards } from '../dashboards/support/dashboards.ts'
import { type Platform, type SensorCredentials, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

const influxUrl = inject('influxUrl')

/** One row of the store's alert events, whichever store: what Grafana's alert log shows. */
interface StoredEvent {
  event: string
  state: string
  level: string
  actor?: string
  actor_key?: string
  recipients?: string
  reason?: string
  note?: string
}

/** The alerts dashboard's "Alert log" query, as Grafana sends it to InfluxDB. */
function alertLogQuery(): string {
  const dashboard = loadDashboards().find((d) => d.json.uid === 'quantrac-alerts')!
  const query = extractQueries(dashboard.json).find((q) => q.where.includes('Alert log'))!
  return interpolate(query, {
    from: Date.now() - 3_600_000,
    to: Date.now() + 3_600_000,
    interval: '1m',
    values: { facility: ['plant-n'], sensor: 'all', factor: 'all' },
  })
}

/**
 * Alert state as a safety officer meets it, from the outside: readings over MQTT open and escalate an alarm,
 * people acknowledge and resolve it over HTTP (one of them while ingest is stopped), the live feed and the
 * API show the one state the alert register holds, and the store keeps every event for Grafana.
 */
function describeAlertLifecycle(storeName: string, influx: string | undefined) {
  describe(`alert state on ${storeName}`, () => {
    let platform: Platform
    let co: SensorCredentials
    let detector: MqttClient
    let socket: Socket
    /** The admin's socket on the same facility: it sees the alerts, but no notice meant for the officer. */
    let bystander: Socket
    let officer: { token: string; keyId: string }
    let regulator: string
    let alertId: string
    const started = Date.now()
    const feed: { alerts: any[]; notices: any[] } = { alerts: [], notices: [] }
    const bystanderFeed: { alerts: any[]; notices: any[] } = { alerts: [], notices: [] }

    const publish = (value: number) =>
      detector.publishAsync(co.topic, JSON.stringify({ factor: 'gas.co', value, unit: 'ppm' }), { qos: 1 })
    const asOfficer = (method: string, path: string, body?: unknown) =>
      platform.call(method, path, body, officer.token)
    const ceilingAlerts = async (query = '') =>
      (await platform.call('GET', `/api/v1/alerts?facility=plant-n&kind=ceiling${query}`)).body

    async function storedEvents(): Promise<StoredEvent[]> {
      if (influx !== undefined) {
        const params = new URLSearchParams({ db: platform.database, q: alertLogQuery(), epoch: 'ms' })
        const body = (await (await fetch(`${influx}/query?${params}`)).json()) as any
        const series = body.results?.[0]?.series?.[0]
        if (series === undefined) return []
        return series.values
          .map((row: unknown[]) =>
            Object.fromEntries(series.columns.map((c: string, i: number) => [c, row[i] ?? undefined])),
          )
          .filter((row: { id: string }) => row.id === alertId)
          .reverse()
      }
      const db = new DatabaseSync(join(platform.dataDir, 'timeseries.sqlite'), { readOnly: true })
      try {
        const rows = db
          .prepare(
            'SELECT event, state, level, actor, actor_key, recipients, reason, note FROM alert_event WHERE id = ? ORDER BY time, rowid',
          )
          .all(alertId) as unknown as StoredEvent[]
        return rows.map(
          (row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as StoredEvent,
        )
      } finally {
        db.close()
      }
    }

    async function eventually(events: string[]): Promise<StoredEvent[]> {
      let stored: StoredEvent[] = []
      await waitUntil(
        async () => {
          stored = await storedEvents()
          return events.every((e) => stored.some((s) => s.event === e))
        },
        20_000,
        () => `the store holds ${JSON.stringify(stored)}, not every one of ${events}`,
      )
      return stored
    }

    beforeAll(async () => {
      platform = await startPlatform({ influxUrl: influx })
      // NIOSH gives CO a ceiling (200 ppm, alarm) and an IDLH (1,200 ppm, critical).
      co = await platform.registerSensor('plant-n', 'co-1', ['gas.co'], 'niosh')
      // Ingest reads facilities' profiles every 30 s (ingest/facility-rules.ts): a restart reads this one now.
      await platform.restartIngest()
      detector = await platform.connectSensor(co)
      const key = await platform.call('POST', '/api/v1/keys', {
        name: 'Nguyễn Thị Lan',
        role: 'officer',
        facilityId: 'plant-n',
      })
      officer = { token: key.body.token, keyId: key.body.key.id }
      regulator = (await platform.call('POST', '/api/v1/keys', { name: 'Sở LĐTBXH', role: 'regulator' })).body
        .token
      socket = io(platform.apiUrl, { transports: ['websocket'], auth: { token: officer.token } })
      socket.on('alert', (alert) => feed.alerts.push(alert))
      socket.on('notice', (notice) => feed.notices.push(notice))
      expect(await socket.emitWithAck('join', 'plant-n')).toEqual({ ok: true, facilityId: 'plant-n' })
      bystander = io(platform.apiUrl, { transports: ['websocket'], auth: { token: platform.adminKey } })
      bystander.on('alert', (alert) => bystanderFeed.alerts.push(alert))
      bystander.on('notice', (notice) => bystanderFeed.notices.push(notice))
      expect(await bystander.emitWithAck('join', 'plant-n')).toEqual({ ok: true, facilityId: 'plant-n' })
    })

    afterAll(async () => {
      socket?.close()
      bystander?.close()
      await detector?.endAsync()
      await platform?.stop()
    })

    it('opens an alarm when a reading breaches the ceiling', async () => {
      await publish(300)
      await waitUntil(
        async () => (await ceilingAlerts('&state=open')).total === 1,
        15_000,
        () => 'no ceiling alarm',
      )
      const [alert] = (await ceilingAlerts()).items
      expect(alert).toMatchObject({ level: 'alarm', state: 'open', value: 300, acknowledgements: [] })
      alertId = alert.id
    })

    it('refuses a name given in the body: who acknowledges comes from the key', async () => {
      const forged = await asOfficer('POST', `/api/v1/alerts/${alertId}/acknowledge`, {
        by: 'Chief Inspector (regulator)',
      })
      expect(forged.status).toBe(400)
      expect((await platform.call('GET', `/api/v1/alerts/${alertId}`)).body.state).toBe('open')
    })

    it('takes an acknowledgement while ingest is stopped, and tells the live feed', async () => {
      await platform.stopIngest()
      const response = await asOfficer('POST', `/api/v1/alerts/${alertId}/acknowledge`, {
        note: 'khu vực đã sơ tán',
      })
      expect(response.status).toBe(200)
      expect(response.body).toMatchObject({
        state: 'acknowledged',
        acknowledgements: [
          { by: { keyId: officer.keyId, name: 'Nguyễn Thị Lan' }, level: 'alarm', note: 'khu vực đã sơ tán' },
        ],
      })
      await waitUntil(
        async () => feed.alerts.some((a) => a.id === alertId && a.state === 'acknowledged'),
        10_000,
        () => 'the live feed never heard of the acknowledgement',
      )
    })

    it('keeps it acknowledged when the alarm escalates to critical after ingest restarts, and tells the officer', async () => {
      await platform.startIngest()
      await publish(1500)
      await waitUntil(
        async () => feed.notices.some((n) => n.alert.id === alertId),
        15_000,
        () => `no notice; feed: ${JSON.stringify(feed.alerts.map((a) => [a.level, a.state]))}`,
      )
      const notice = feed.notices.find((n) => n.alert.id === alertId)
      expect(notice).toMatchObject({ type: 'notified', alert: { level: 'critical', state: 'acknowledged' } })
      const { body: alert } = await platform.call('GET', `/api/v1/alerts/${alertId}`)
      expect(alert).toMatchObject({ level: 'critical', state: 'acknowledged', value: 1500 })
      expect(alert.acknowledgements).toHaveLength(1)
      expect((await ceilingAlerts()).total).toBe(1)
    })

    it('holds the opening, the acknowledgement, the escalation and the notice in the store', async () => {
      const stored = await eventually(['opened', 'acknowledged', 'escalated', 'notified'])
      expect(stored.find((e) => e.event === 'opened')).toMatchObject({ state: 'open', level: 'alarm' })
      expect(stored.find((e) => e.event === 'acknowledged')).toMatchObject({
        state: 'acknowledged',
        actor: 'Nguyễn Thị Lan',
        actor_key: officer.keyId,
        note: 'khu vực đã sơ tán',
      })
      expect(stored.find((e) => e.event === 'escalated')).toMatchObject({
        state: 'acknowledged',
        level: 'critical',
      })
      expect(stored.find((e) => e.event === 'notified')).toMatchObject({ recipients: 'Nguyễn Thị Lan' })
    })

    it('lets the critical level be acknowledged in turn, once', async () => {
      const again = await asOfficer('POST', `/api/v1/alerts/${alertId}/acknowledge`)
      expect(again.status).toBe(200)
      expect(again.body.acknowledgements.map((a: { level: string }) => a.level)).toEqual([
        'alarm',
        'critical',
      ])
      const twice = await asOfficer('POST', `/api/v1/alerts/${alertId}/acknowledge`, {})
      expect(twice.status).toBe(409)
      // The feed keeps each socket's order: once this later change reached the admin's socket, a notice
      // sent to it before would have too. It was the officer's alone.
      await waitUntil(
        async () => bystanderFeed.alerts.some((a) => a.id === alertId && a.acknowledgements.length === 2),
        10_000,
        () => 'the second acknowledgement never reached the other socket',
      )
      expect(bystanderFeed.notices).toEqual([])
      expect(twice.body.message).toMatch(/already acknowledged at critical level, by Nguyễn Thị Lan/)
    })

    it('closes the alert with a reason and a note; a resolved alert cannot be resolved again', async () => {
      const refused = await asOfficer('POST', `/api/v1/alerts/${alertId}/resolve`, { reason: 'other' })
      expect(refused.status).toBe(400)
      expect(refused.body.message).toMatch(/note/)
      expect((await asOfficer('POST', `/api/v1/alerts/${alertId}/resolve`, { reason: 'lunch' })).status).toBe(
        400,
      )
      const resolved = await asOfficer('POST', `/api/v1/alerts/${alertId}/resolve`, {
        reason: 'process-stopped',
        note: 'lò nung đã dừng',
      })
      expect(resolved.status).toBe(200)
      expect(resolved.body).toMatchObject({
        state: 'resolved',
        resolution: {
          by: { keyId: officer.keyId, name: 'Nguyễn Thị Lan' },
          reason: 'process-stopped',
          note: 'lò nung đã dừng',
        },
      })
      expect(
        (await asOfficer('POST', `/api/v1/alerts/${alertId}/resolve`, { reason: 'false-alarm' })).status,
      ).toBe(409)
      expect((await asOfficer('POST', `/api/v1/alerts/${alertId}/acknowledge`)).status).toBe(409)
      expect((await ceilingAlerts('&state=active')).total).toBe(0)
      const stored = await eventually(['resolved'])
      expect(stored.find((e) => e.event === 'resolved')).toMatchObject({
        state: 'resolved',
        reason: 'process-stopped',
        actor: 'Nguyễn Thị Lan',
      })
    })

    it('finds the alert by facility, sensor, factor, kind, level, state, time and reason', async () => {
      const ids = async (query: string) =>
        (await asOfficer('GET', `/api/v1/alerts?${query}`)).body.items.map((a: { id: string }) => a.id)
      const all = `facility=plant-n&sensor=co-1&factor=gas.co&kind=ceiling&level=critical&state=resolved`
      expect(
        await ids(
          `${all}&reason=process-stopped&from=${new Date(started).toISOString()}&to=${Date.now() + 1}`,
        ),
      ).toEqual([alertId])
      expect(await ids('reason=false-alarm')).toEqual([])
      expect(await ids('state=active&facility=plant-n&kind=ceiling')).toEqual([])
      // Closed before `from`: not active in the range.
      expect(await ids(`kind=ceiling&from=${Date.now() + 60_000}`)).toEqual([])
      expect(await ids(`kind=ceiling&to=${started - 60_000}`)).toEqual([])
    })

    it('refuses unknown and malformed search parameters with a reason', async () => {
      for (const query of [
        'colour=red',
        'state=gone',
        'reason=lunch',
        'level=high',
        'from=yesterday',
        'limit=501',
      ]) {
        const { status, body } = await asOfficer('GET', `/api/v1/alerts?${query}`)
        expect(status, query).toBe(400)
        expect(body.message, query).toMatch(/querystring/)
      }
      const backwards = await asOfficer('GET', `/api/v1/alerts?from=${Date.now()}&to=${started}`)
      expect(backwards.status).toBe(400)
      expect(backwards.body.message).toMatch(/from/)
      expect((await asOfficer('GET', '/api/v1/alerts?facility=elsewhere')).status).toBe(403)
    })

    it('exports the search as CSV, with who acknowledged and resolved and why', async () => {
      for (const request of [
        { path: '/api/v1/alerts?facility=plant-n&kind=ceiling&format=csv', headers: {} },
        { path: '/api/v1/alerts?facility=plant-n&kind=ceiling', headers: { accept: 'text/csv' } },
      ]) {
        const headers = { authorization: `Bearer ${officer.token}`, ...request.headers } as Record<
          string,
          string
        >
        const response = await fetch(`${platform.apiUrl}${request.path}`, { headers })
        expect(response.status).toBe(200)
        expect(response.headers.get('content-type')).toMatch(/^text\/csv/)
        const [header, row, ...rest] = (await response.text())
          .replace(/^\ufeff/, '')
          .trimEnd()
          .split('\r\n')
        expect(header).toBe(ALERT_CSV_COLUMNS.join(','))
        expect(rest).toEqual([])
        expect(row).toContain(alertId)
        expect(row).toContain(',resolved,')
        expect(row).toContain('Nguyễn Thị Lan; Nguyễn Thị Lan,khu vực đã sơ tán')
        expect(row).toContain(`Nguyễn Thị Lan,${officer.keyId},process-stopped,lò nung đã dừng`)
      }
    })

    it('shows in the audit trail who acknowledged and resolved, with the alert before and after', async () => {
      const { body } = await platform.call('GET', '/api/v1/audit?facility=plant-n&limit=100')
      const alertEntries = body.items
        .filter((e: { target: { id: string } }) => e.target.id === alertId)
        .reverse()
      expect(alertEntries.map((e: any) => [e.action, e.before.state, e.after.state, e.after.level])).toEqual([
        ['alert.acknowledge', 'open', 'acknowledged', 'alarm'],
        ['alert.acknowledge', 'acknowledged', 'acknowledged', 'critical'],
        ['alert.resolve', 'acknowledged', 'resolved', 'critical'],
      ])
      for (const entry of alertEntries) {
        expect(entry).toMatchObject({
          actor: { keyId: officer.keyId, name: 'Nguyễn Thị Lan', role: 'officer' },
          facilityId: 'plant-n',
          target: { type: 'alert', id: alertId },
        })
      }
      expect(body.items.find((e: any) => e.action === 'sensor.register')).toMatchObject({
        actor: { name: 'test admin', role: 'admin' },
        target: { type: 'sensor', id: 'co-1' },
        after: { id: 'co-1', facilityId: 'plant-n', factors: ['gas.co'] },
      })
    })

    it('lets a regulator read the audit of facilities only, and an officer none of it', async () => {
      const admin = (await platform.call('GET', '/api/v1/audit?limit=100')).body
      expect(admin.items.some((e: { action: string }) => e.action === 'key.create')).toBe(true)
      const read = (await platform.call('GET', '/api/v1/audit?limit=100', undefined, regulator)).body
      expect(read.items.length).toBeGreaterThan(0)
      expect(read.items.every((e: { facilityId?: string }) => e.facilityId === 'plant-n')).toBe(true)
      expect(read.total).toBe(
        admin.items.filter((e: { facilityId?: string }) => e.facilityId !== undefined).length,
      )
      const denied = await asOfficer('GET', '/api/v1/audit')
      expect(denied.status).toBe(403)
    })
  })
}

describeAlertLifecycle('the embedded SQLite store', undefined)
describe.skipIf(influxUrl === null)(
  `on InfluxDB${influxUrl === null ? ' (skipped: influxd not installed)' : ''}`,
  () => {
    describeAlertLifecycle('InfluxDB 1.x', influxUrl ?? undefined)
  },
)
