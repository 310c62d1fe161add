import { beforeEach, expect, it } from 'vitest'
import type { Alert } from '../../core/alerts.ts'
import { ConflictError, InvalidValueError, NotFoundError } from '../../registry/errors.ts'
import type { RegistryDatabase } from '../../registry/types.ts'
import { testAlert } from '../support/alerts.ts'
import { testFacility } from '../support/platform.ts'
import { describeEachRegistry, type OpenedRegistry } from '../support/registries.ts'

describeEachRegistry('the registry', (opened: () => OpenedRegistry) => {
  let registry: RegistryDatabase
  beforeEach(() => {
    registry = opened().registry
  })

  it('pages through facilities in id order with the total count', async () => {
    for (const id of ['c', 'a', 'b']) await registry.createFacility(testFacility(id))
    const page = await registry.listFacilities({ limit: 2, offset: 1 })
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 1 })
    expect(page.items.map((f) => f.id)).toEqual(['b', 'c'])
  })

  it('updates a facility in place on a second upsert, and refuses to create it twice', async () => {
    await registry.upsertFacility(testFacility('f', { name: 'Old' }))
    await registry.upsertFacility(testFacility('f', { name: 'New', hazards: ['noise'] }))
    expect(await registry.getFacility('f')).toMatchObject({
      name: 'New',
      hazards: ['noise'],
      contractorIds: [],
    })
    await expect(registry.createFacility(testFacility('f'))).rejects.toBeInstanceOf(ConflictError)
  })

  it('links contractors to the facilities they serve', async () => {
    await registry.createOrganisation({ id: 'c1', name: 'Contractor', kind: 'contractor' })
    await registry.createFacility(testFacility('f', { contractorIds: ['c1'] }))
    await registry.createFacility(testFacility('g'))
    expect(await registry.facilitiesOfContractor('c1')).toEqual(['f'])
    await expect(
      registry.createFacility(testFacility('h', { contractorIds: ['nobody'] })),
    ).rejects.toBeInstanceOf(NotFoundError)
  })

  it('lists the sensors of one facility with their factors and zone', async () => {
    await registry.createFacility(testFacility('f'))
    await registry.createFacility(testFacility('g'))
    await registry.createZone({ id: 'z1', facilityId: 'f', name: 'Kiln' })
    await registry.createSensor(
      { id: 's1', facilityId: 'f', zoneId: 'z1', model: 'm', serial: 'x', factors: ['gas.co'] },
      'h',
    )
    await registry.createSensor(
      { id: 's2', facilityId: 'g', model: 'm', serial: 'y', factors: ['noise'] },
      'h',
    )
    const page = await registry.listSensors({ facilityIds: ['f'], limit: 10, offset: 0 })
    expect(page.items).toEqual([
      {
        id: 's1',
        facilityId: 'f',
        zoneId: 'z1',
        zone: 'Kiln',
        model: 'm',
        serial: 'x',
        factors: ['gas.co'],
        status: 'active',
        reportingIntervalS: 60,
        hasCredentials: true,
        commissioning: { factorsSeen: {} },
      },
    ])
    expect(page.total).toBe(1)
    expect((await registry.listSensors({ facilityIds: [], limit: 10, offset: 0 })).total).toBe(0)
  })

  it('gives ingest the sensor’s own limit variant over its zone’s, and the zone’s once it is removed', async () => {
    await registry.createFacility(testFacility('f'))
    await registry.createZone({ id: 'z', facilityId: 'f', name: 'Kế toán', limitVariant: 'office' })
    const sensor = {
      id: 's',
      facilityId: 'f',
      zoneId: 'z',
      model: 'm',
      serial: '',
      factors: ['noise' as const],
    }
    await registry.createSensor({ ...sensor, sensorLimitVariant: 'intellectual' }, 'h')
    expect((await registry.sensorAccess('s'))?.limitVariant).toBe('intellectual')
    await registry.updateSensor('s', { sensorLimitVariant: null })
    expect((await registry.sensorAccessPage('', 10)).map((access) => access.limitVariant)).toEqual(['office'])
  })

  it('reads sensor access in pages by id', async () => {
    await registry.createFacility(testFacility('f'))
    for (const id of ['s3', 's1', 's2']) {
      await registry.createSensor({ id, facilityId: 'f', model: 'm', serial: '', factors: ['noise'] }, 'h')
    }
    const ids = async (afterId: string) =>
      (await registry.sensorAccessPage(afterId, 2)).map((access) => access.id)
    expect(await ids('')).toEqual(['s1', 's2'])
    expect(await ids('s2')).toEqual(['s3'])
    expect(await ids('s3')).toEqual([])
  })

  it('raises the credential version on rotation and revocation, and drops the secret on decommissioning', async () => {
    await registry.createFacility(testFacility('f'))
    await registry.createSensor(
      { id: 's', facilityId: 'f', model: 'm', serial: '', factors: ['noise'] },
      'h1',
    )
    const first = await registry.sensorAccess('s')
    await registry.setSensorSecret('s', 'h2')
    const rotated = await registry.sensorAccess('s')
    expect(rotated).toMatchObject({ secretHash: 'h2', credentialVersion: first!.credentialVersion + 1 })
    const decommissioned = await registry.decommissionSensor('s')
    expect(decommissioned).toMatchObject({ status: 'decommissioned', hasCredentials: false })
    await expect(registry.setSensorSecret('s', 'h3')).rejects.toBeInstanceOf(ConflictError)
  })
  it('refuses a shift pattern out of order or with an impossible offset, and keeps an old one until it changes', async () => {
    const twelve = { starts: ['07:30', '19:30'], utcOffsetMinutes: 420 }
    await registry.createFacility(testFacility('f', { shifts: twelve }))
    await expect(
      registry.updateFacility('f', { shifts: { starts: ['19:30', '07:30'], utcOffsetMinutes: 420 } }),
    ).rejects.toThrow(
      new InvalidValueError(
        'shifts.starts: must be in increasing order, each once (got 19:30, 07:30); a shift ends where the next starts',
      ),
    )
    await expect(
      registry.updateFacility('f', { shifts: { starts: ['07:30'], utcOffsetMinutes: 841 } }),
    ).rejects.toThrow(InvalidValueError)
    expect((await registry.getFacility('f'))?.shifts).toEqual(twelve)
    // A record written before patterns were checked: other changes leave its pattern, and pass.
    await opened().sql(
      `UPDATE facility SET shifts = '{"starts":["22:00","06:00","14:00"],"utcOffsetMinutes":420}'`,
    )
    expect((await registry.updateFacility('f', { workers: 9 })).workers).toBe(9)
  })

  it('keeps the shifts ingest opened, the first record of each standing, and finds them by start', async () => {
    const shift = { facilityId: 'f', start: 1_000, end: 43_201_000, hours: 12, utcOffsetMinutes: 420 }
    await registry.recordShifts([shift, { ...shift, facilityId: 'g' }])
    await registry.recordShifts([{ ...shift, hours: 8 }])
    expect(
      await registry.findShifts([
        { facilityId: 'f', start: 1_000 },
        { facilityId: 'f', start: 2_000 },
      ]),
    ).toEqual([shift])
    // Shifts older than 35 days before the newest recorded go.
    await registry.recordShifts([{ ...shift, start: 1_000 + 36 * 86_400_000 }])
    expect(await registry.findShifts([{ facilityId: 'g', start: 1_000 }])).toEqual([])
  })

  it('saves states in one go and loads those under a prefix', async () => {
    await registry.saveStates([
      ['exposure-monitor/evaluator/s1/noise', { n: 1 }],
      ['exposure-monitor/alerts', { alerts: [] }],
      ['exposure-monitorx', { other: true }],
    ])
    await registry.saveStates([['exposure-monitor/evaluator/s1/noise', { n: 2 }]])
    expect(await registry.loadStates('exposure-monitor/')).toEqual(
      new Map<string, unknown>([
        ['exposure-monitor/alerts', { alerts: [] }],
        ['exposure-monitor/evaluator/s1/noise', { n: 2 }],
      ]),
    )
  })

  const OFFICER = { keyId: 'k-officer', name: 'Nguyễn An', role: 'officer' as const }
  const CONTRACTOR = { keyId: 'k-contractor', name: 'Trần Bình', role: 'contractor' as const }

  it('keeps an acknowledgement through an escalation ingest reports, and logs every event in order', async () => {
    await registry.recordDetection({ type: 'opened', alert: testAlert('a1') })
    const { alert: acknowledged } = await registry.acknowledgeAlert('a1', {
      actor: OFFICER,
      at: 1500,
      note: 'checked',
    })
    expect(acknowledged).toMatchObject({
      state: 'acknowledged',
      acknowledgements: [
        { by: { keyId: 'k-officer', name: 'Nguyễn An' }, at: 1500, level: 'alarm', note: 'checked' },
      ],
    })
    const events = await registry.recordDetection({
      type: 'escalated',
      alert: testAlert('a1', { level: 'critical', value: 150, updatedAt: 2000 }),
    })
    expect(events.map((e) => e.type)).toEqual(['escalated', 'notified'])
    expect(await registry.get('a1')).toMatchObject({ state: 'acknowledged', level: 'critical', value: 150 })
    const log = await registry.alertEventsAfter(0, 10)
    expect(log.map(({ event }) => [event.type, event.alert.state])).toEqual([
      ['opened', 'open'],
      ['acknowledged', 'acknowledged'],
      ['escalated', 'acknowledged'],
      ['notified', 'acknowledged'],
    ])
    expect(log.map((e) => e.seq)).toEqual([...log.map((e) => e.seq)].sort((a, b) => a - b))
    expect((await registry.alertEventsAfter(log[1]!.seq, 1)).map(({ event }) => event.type)).toEqual([
      'escalated',
    ])
  })

  it('records each acknowledgement and resolution in the audit trail, in the same transaction', async () => {
    await registry.recordDetection({ type: 'opened', alert: testAlert('a1') })
    await registry.acknowledgeAlert('a1', { actor: OFFICER, at: 1500 })
    await registry.resolveAlert('a1', { actor: CONTRACTOR, at: 1600, reason: 'sensor-fault', note: 'wet' })
    const { items } = await registry.listAudit({ limit: 10, offset: 0 })
    expect(
      items.map((e) => [e.action, e.actor.name, (e.before as Alert).state, (e.after as Alert).state]),
    ).toEqual([
      ['alert.resolve', 'Trần Bình', 'acknowledged', 'resolved'],
      ['alert.acknowledge', 'Nguyễn An', 'open', 'acknowledged'],
    ])
    expect(items[0]).toMatchObject({ facilityId: 'fac-1', target: { type: 'alert', id: 'a1' }, at: 1600 })
  })

  it('refuses what the alert’s state does not allow, and changes nothing then', async () => {
    await registry.recordDetection({ type: 'opened', alert: testAlert('a1') })
    await registry.recordDetection({ type: 'opened', alert: testAlert('a2') })
    await registry.recordDetection({
      type: 'cleared',
      alert: testAlert('a2', { state: 'cleared', clearedAt: 3000 }),
    })
    await registry.acknowledgeAlert('a1', { actor: OFFICER, at: 1 })
    await expect(registry.acknowledgeAlert('a1', { actor: CONTRACTOR, at: 2 })).rejects.toThrow(ConflictError)
    await expect(registry.acknowledgeAlert('a2', { actor: OFFICER, at: 1 })).rejects.toThrow(/is cleared/)
    await expect(registry.acknowledgeAlert('missing', { actor: OFFICER, at: 1 })).rejects.toThrow(
      NotFoundError,
    )
    await expect(
      registry.resolveAlert('missing', { actor: OFFICER, at: 1, reason: 'false-alarm' }),
    ).rejects.toThrow(NotFoundError)
    expect((await registry.get('a1'))?.acknowledgements).toHaveLength(1)
    expect((await registry.listAudit({ limit: 10, offset: 0 })).total).toBe(1)
  })

  it('searches alerts by state, facility, sensor, factor, kind, level, reason and time, newest first', async () => {
    await registry.recordDetection({ type: 'opened', alert: testAlert('old', { openedAt: 1 }) })
    await registry.recordDetection({
      type: 'opened',
      alert: testAlert('new', {
        openedAt: 20,
        sensorId: 's2',
        factor: 'gas.co',
        kind: 'stel',
        level: 'warning',
      }),
    })
    await registry.recordDetection({
      type: 'opened',
      alert: testAlert('gone', { openedAt: 30, facilityId: 'fac-2' }),
    })
    await registry.recordDetection({
      type: 'cleared',
      alert: testAlert('gone', { state: 'cleared', clearedAt: 40, updatedAt: 40 }),
    })
    await registry.recordDetection({ type: 'opened', alert: testAlert('fixed', { openedAt: 50 }) })
    await registry.acknowledgeAlert('old', { actor: OFFICER, at: 5 })
    await registry.resolveAlert('fixed', { actor: OFFICER, at: 60, reason: 'ventilation-fixed' })
    const ids = async (query: Partial<Parameters<typeof registry.list>[0]> = {}) =>
      (await registry.list({ limit: 10, offset: 0, ...query })).items.map((a) => a.id)
    expect(await ids()).toEqual(['fixed', 'gone', 'new', 'old'])
    expect(await ids({ state: 'active' })).toEqual(['new', 'old'])
    expect(await ids({ state: 'open' })).toEqual(['new'])
    expect(await ids({ state: 'acknowledged' })).toEqual(['old'])
    expect(await ids({ state: 'cleared' })).toEqual(['gone'])
    expect(await ids({ state: 'resolved' })).toEqual(['fixed'])
    expect(await ids({ reason: 'ventilation-fixed' })).toEqual(['fixed'])
    expect(await ids({ reason: 'false-alarm' })).toEqual([])
    expect(await ids({ facilityId: 'fac-2' })).toEqual(['gone'])
    expect(await ids({ facilityIds: ['fac-1'] })).toEqual(['fixed', 'new', 'old'])
    expect(await ids({ facilityIds: [] })).toEqual([])
    expect(await ids({ sensorId: 's2' })).toEqual(['new'])
    expect(await ids({ factor: 'gas.co' })).toEqual(['new'])
    expect(await ids({ kind: 'ceiling', level: 'alarm' })).toEqual(['fixed', 'gone', 'old'])
    // Active at some time in [from, to): opened before `to`, not closed before `from`.
    expect(await ids({ from: 45, to: 100 })).toEqual(['fixed', 'new', 'old'])
    expect(await ids({ from: 0, to: 25 })).toEqual(['new', 'old'])
    expect(await ids({ from: 35, to: 45 })).toEqual(['gone', 'new', 'old'])
    expect((await registry.list({ limit: 1, offset: 1 })).items.map((a) => a.id)).toEqual(['gone'])
  })

  it('keeps the audit trail append-only: SQL cannot change or remove an entry', async () => {
    const entry = await registry.recordAudit({
      at: 1,
      actor: { name: 'command line', role: 'admin' },
      action: 'organisation.register',
      target: { type: 'organisation', id: 'o1' },
      after: { id: 'o1' },
    })
    expect('updateAudit' in registry || 'deleteAudit' in registry).toBe(false)
    await expect(
      opened().sql(`UPDATE audit_entry SET actor_name = 'someone else' WHERE id = ${entry.id}`),
    ).rejects.toThrow(/append-only/)
    await expect(opened().sql('DELETE FROM audit_entry')).rejects.toThrow(/append-only/)
    expect((await registry.listAudit({ limit: 10, offset: 0 })).items).toEqual([entry])
  })

  it('filters the audit trail by facility, actor, action and time, and keeps key entries from facility readers', async () => {
    const record = (at: number, action: 'sensor.change' | 'key.create', facilityId?: string, keyId = 'k1') =>
      registry.recordAudit({
        at,
        actor: { keyId, name: keyId, role: 'admin' },
        action,
        facilityId,
        target: { type: action === 'key.create' ? 'key' : 'sensor', id: `t${at}` },
      })
    await record(1, 'sensor.change', 'fac-1')
    await record(2, 'sensor.change', 'fac-2', 'k2')
    await record(3, 'key.create')
    const ids = async (query: Partial<Parameters<typeof registry.listAudit>[0]> = {}) =>
      (await registry.listAudit({ limit: 10, offset: 0, ...query })).items.map((e) => e.at)
    expect(await ids()).toEqual([3, 2, 1])
    expect(await ids({ facilityBound: true })).toEqual([2, 1])
    expect(await ids({ facilityIds: ['fac-2'] })).toEqual([2])
    expect(await ids({ facilityId: 'fac-1' })).toEqual([1])
    expect(await ids({ actorKeyId: 'k2' })).toEqual([2])
    expect(await ids({ action: 'key.create' })).toEqual([3])
    expect(await ids({ from: 2, to: 3 })).toEqual([2])
  })

  it('treats ids with SQL in them as plain values', async () => {
    expect(await registry.getFacility("x' OR '1'='1")).toBeUndefined()
  })

  it('keeps the current unit of a province, with the former one it was given by', async () => {
    const facility = await registry.createFacility(testFacility('f', { province: 'Nam Định' }))
    expect(facility).toMatchObject({ province: 'Ninh Bình', provinceCode: '37', formerProvince: 'Nam Định' })
    await expect(registry.createFacility(testFacility('g', { province: 'Nowhere' }))).rejects.toBeInstanceOf(
      InvalidValueError,
    )
  })

  it('keeps a registration date across upserts that give none, and dates a new facility now', async () => {
    const before = Date.now()
    const created = await registry.upsertFacility(testFacility('f'))
    expect(created.registeredAt).toBeGreaterThanOrEqual(before)
    await registry.upsertFacility(testFacility('f', { registeredAt: 1000 }))
    await registry.upsertFacility(testFacility('f', { name: 'renamed' }))
    expect((await registry.getFacility('f'))?.registeredAt).toBe(1000)
  })

  it('keeps the workers of a zone, and refuses a zone of another facility', async () => {
    await registry.createFacility(testFacility('f'))
    await registry.createFacility(testFacility('g'))
    await registry.createZone({ id: 'z', facilityId: 'f', name: 'Mill', workers: 12 })
    await registry.setZoneWorkers('f', 'z', 40)
    expect(await registry.listZones('f')).toEqual([{ id: 'z', facilityId: 'f', name: 'Mill', workers: 40 }])
    await registry.setZoneWorkers('f', 'z', undefined)
    expect((await registry.listZones('f'))[0]?.workers).toBeUndefined()
    await expect(registry.setZoneWorkers('g', 'z', 1)).rejects.toBeInstanceOf(NotFoundError)
  })

  it('records campaigns all or none, lists them by the day they count and deletes them', async () => {
    await registry.createOrganisation({ id: 'ctv', name: 'C', kind: 'contractor' })
    await registry.createFacility(testFacility('f'))
    await registry.createZone({ id: 'z', facilityId: 'f', name: 'Mill' })
    const campaign = (id: string, endedOn: string, zoneId = 'z') => ({
      id,
      facilityId: 'f',
      organisationId: 'ctv',
      declaration: { reference: '1/CB', publishedBy: 'Sở Y tế Hà Nội' },
      startedOn: endedOn,
      endedOn,
      measurements: [
        { zoneId, factor: 'noise' as const, samples: 2, samplesOverLimit: 1, values: [80, 90], unit: 'dBA' },
      ],
      recordedAt: 5,
      recordedBy: 'An',
    })
    await expect(
      registry.createCampaigns([campaign('a', '2025-01-01'), campaign('b', '2025-02-01', 'missing')]),
    ).rejects.toBeInstanceOf(NotFoundError)
    expect((await registry.listCampaigns({ limit: 10, offset: 0 })).total).toBe(0)
    await registry.createCampaigns([campaign('a', '2025-01-01'), campaign('b', '2026-02-01')])
    expect(await registry.getCampaign('a')).toEqual(campaign('a', '2025-01-01'))
    const in2025 = await registry.listCampaigns({
      limit: 10,
      offset: 0,
      countsFrom: Date.parse('2025-01-01T00:00:00+07:00'),
      countsBefore: Date.parse('2026-01-01T00:00:00+07:00'),
    })
    expect(in2025.items.map((c) => c.id)).toEqual(['a'])
    await expect(registry.createCampaigns([campaign('a', '2025-01-01')])).rejects.toBeInstanceOf(
      ConflictError,
    )
    expect(await registry.deleteCampaign('a')).toBe(true)
    expect(await registry.deleteCampaign('a')).toBe(false)
  })

  it('orders ids byte by byte, as SQLite does, whatever the database’s language', async () => {
    for (const id of ['b', 'B', 'a', '_z']) await registry.createFacility(testFacility(id))
    expect((await registry.listFacilities({ limit: 10, offset: 0 })).items.map((f) => f.id)).toEqual([
      'B',
      '_z',
      'a',
      'b',
    ])
    for (const id of ['s-b', 's-B', 's-a']) {
      await registry.createSensor({ id, facilityId: 'a', model: 'm', serial: '', factors: ['noise'] }, 'h')
    }
    expect((await registry.sensorAccessPage('s-B', 10)).map((access) => access.id)).toEqual(['s-a', 's-b'])
  })

  it('keeps each sensor’s newest refused messages, a payload holding NUL bytes too', async () => {
    const rejection = (sensorId: string, n: number, payload = `{"n":${n}}`) => ({
      sensorId,
      receivedAt: n,
      topic: `quantrac/v1/readings/f/${sensorId}`,
      reason: 'schema',
      detail: 'value: expected a number',
      payload,
    })
    await registry.recordRejections(Array.from({ length: 104 }, (_, n) => rejection('s1', n)))
    await registry.recordRejections([rejection('s1', 104, 'a\u0000b'), rejection('s2', 1)])
    const page = await registry.listRejections('s1', { limit: 2, offset: 0 })
    expect(page.total).toBe(100)
    expect(page.items.map((r) => r.receivedAt)).toEqual([104, 103])
    // PostgreSQL's text cannot hold NUL: it shows U+FFFD there, the rest as it came.
    expect(['a\u0000b', 'a\uFFFDb']).toContain(page.items[0]?.payload)
    expect((await registry.listRejections('s2', { limit: 10, offset: 0 })).total).toBe(1)
  })

  it('keeps an audit entry’s before and after as given, null included, and none when absent', async () => {
    const entry = await registry.recordAudit({
      at: 1,
      actor: { name: 'command line', role: 'admin' },
      action: 'key.create',
      target: { type: 'key', id: 'k1' },
      before: null,
    })
    const [listed] = (await registry.listAudit({ limit: 10, offset: 0 })).items
    expect(listed).toEqual(entry)
    expect(listed?.before).toBeNull()
    expect(listed && 'after' in listed).toBe(false)
  })

  it('keeps a state whose text holds NUL, as the alert tracker’s slot keys do', async () => {
    const tracker = {
      slots: { 'fac\u0000s1\u0000noise\u0000ceiling\u0000up': { since: 1, note: 'a\u0000b' } },
    }
    await registry.saveStates([['exposure-monitor/alerts', tracker]])
    expect(await registry.loadStates('exposure-monitor/')).toEqual(
      new Map([['exposure-monitor/alerts', tracker]]),
    )
  })

  it('deletes the states of the keys given, those there are, and leaves the others', async () => {
    await registry.saveStates([
      ['exposure-monitor/alerts/f/s1/noise/ceiling/above', { n: 1 }],
      ['exposure-monitor/alerts/f/s2/noise/ceiling/above', { n: 2 }],
      ['exposure-monitor/alerts', { slots: [], alerts: [] }],
    ])
    await registry.deleteStates([
      'exposure-monitor/alerts/f/s1/noise/ceiling/above',
      'exposure-monitor/alerts',
      'exposure-monitor/alerts',
      'never-saved',
    ])
    await registry.deleteStates([])
    expect(await registry.loadStates('exposure-monitor/')).toEqual(
      new Map([['exposure-monitor/alerts/f/s2/noise/ceiling/above', { n: 2 }]]),
    )
  })

  it('saves the last of two states given for one key', async () => {
    await registry.saveStates([
      ['k', { n: 1 }],
      ['k', { n: 2 }],
    ])
    expect(await registry.loadStates('k')).toEqual(new Map([['k', { n: 2 }]]))
  })

  it('logs the events of alerts changed at once in the order they were made, none lost', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `a${i}`)
    await Promise.all(ids.map((id) => registry.recordDetection({ type: 'opened', alert: testAlert(id) })))
    await Promise.all(ids.map((id, i) => registry.acknowledgeAlert(id, { actor: OFFICER, at: 2000 + i })))
    const log = await registry.alertEventsAfter(0, 100)
    expect(log).toHaveLength(16)
    expect(log.map((e) => e.seq)).toEqual([...log.map((e) => e.seq)].sort((a, b) => a - b))
    for (const id of ids) {
      const types = log.filter(({ event }) => event.alert.id === id).map(({ event }) => event.type)
      expect(types).toEqual(['opened', 'acknowledged'])
    }
  })

  it('keeps or refuses text holding NUL, never failing otherwise', async () => {
    const outcome = await registry.createFacility(testFacility('n', { name: 'a\u0000b' })).then(
      (facility) => facility.name,
      (err: unknown) => err,
    )
    // SQLite keeps it; PostgreSQL's text cannot, and says so as a value it cannot keep.
    if (typeof outcome === 'string') expect(outcome).toBe('a\u0000b')
    else expect(outcome).toBeInstanceOf(InvalidValueError)
  })

  it('lists alerts worst first when asked, and each person’s own keys, revoked when the person is disabled', async () => {
    await registry.recordDetection({
      type: 'opened',
      alert: testAlert('w', { level: 'warning', openedAt: 3 }),
    })
    await registry.recordDetection({
      type: 'opened',
      alert: testAlert('c', { level: 'critical', openedAt: 1 }),
    })
    await registry.recordDetection({ type: 'opened', alert: testAlert('a', { level: 'alarm', openedAt: 2 }) })
    const worst = await registry.list({ limit: 10, offset: 0, sort: 'severity' })
    expect(worst.items.map((a) => a.id)).toEqual(['c', 'a', 'w'])
    await registry.createUser(
      { id: 'u', email: 'u@x.vn', name: 'U', grants: [{ id: 'g', role: 'regulator' }] },
      'p',
    )
    await registry.createApiKey({ id: 'mine', name: 'script', role: 'regulator', ownerUserId: 'u' }, 'h')
    await registry.createApiKey({ id: 'admin', name: 'admin', role: 'admin' }, 'h')
    const owned = await registry.listApiKeys({ limit: 10, offset: 0 }, { ownerUserId: 'u' })
    expect(owned.items.map((k) => [k.id, k.ownerUserId])).toEqual([['mine', 'u']])
    expect(await registry.disableUser('u', 5)).toBe(true)
    expect((await registry.findApiKey('mine'))?.revokedAt).toBe(5)
    expect((await registry.findApiKey('admin'))?.revokedAt).toBeUndefined()
  })
})
