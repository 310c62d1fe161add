import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Platform, startPlatform } from '../support/platform.ts'

interface Entry {
  id: number
  at: string
  actor: { keyId?: string; name: string; role: string }
  action: string
  facilityId?: string
  target: { type: string; id: string }
  before?: Record<string, unknown>
  after?: Record<string, unknown>
}

/**
 * The audit trail from the outside: every change made through the API — organisations, facilities (one by one
 * and by CSV), zones, sensors and their calibration dates and credentials, keys — is read back at
 * GET /api/v1/audit with who made it, when, and the thing before and after; admins see everything, regulators
 * what concerns facilities, others nothing; nothing can change or remove an entry.
 */
describe('the audit trail', () => {
  let platform: Platform
  let contractor: { token: string; keyId: string }
  let regulator: string
  let officer: string
  let adminKeyId: string
  const secrets: string[] = []

  const audit = async (query = '', key?: string) => {
    const { status, body } = await platform.call('GET', `/api/v1/audit?limit=500${query}`, undefined, key)
    expect(status, JSON.stringify(body)).toBe(200)
    return body as { items: Entry[]; total: number; limit: number; offset: number }
  }
  const entriesOf = async (action: string) => (await audit(`&action=${action}`)).items

  beforeAll(async () => {
    platform = await startPlatform()
    const asAdmin = async (method: string, path: string, body?: unknown) => {
      const response = await platform.call(method, path, body)
      expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300)
      return response.body
    }
    await asAdmin('POST', '/api/v1/organisations', {
      id: 'ctv-1',
      name: 'Quan trắc Miền Bắc',
      kind: 'contractor',
    })
    await asAdmin('POST', '/api/v1/facilities', {
      id: 'fac-a',
      name: 'Nhà máy A',
      province: 'Hà Nội',
      sector: 'garment',
      contractorIds: ['ctv-1'],
    })
    await asAdmin('PATCH', '/api/v1/facilities/fac-a', { workers: 120 })
    await asAdmin(
      'POST',
      '/api/v1/facilities/import',
      'id,name,province,sector,workers,contractorIds\nfac-a,Nhà máy A,Hà Nội,garment,130,ctv-1\nfac-b,Nhà máy B,Hải Phòng,steel,40,\n',
    )
    const contractorKey = await asAdmin('POST', '/api/v1/keys', {
      name: 'Trần Văn Minh',
      role: 'contractor',
      organisationId: 'ctv-1',
    })
    contractor = { token: contractorKey.token, keyId: contractorKey.key.id }
    regulator = (await asAdmin('POST', '/api/v1/keys', { name: 'Sở LĐTBXH', role: 'regulator' })).token
    officer = (
      await asAdmin('POST', '/api/v1/keys', { name: 'officer', role: 'officer', facilityId: 'fac-a' })
    ).token
    const doomed = await asAdmin('POST', '/api/v1/keys', { name: 'old laptop', role: 'admin' })
    await asAdmin('DELETE', `/api/v1/keys/${doomed.key.id}`)
    secrets.push(contractor.token, regulator, officer, doomed.token, platform.adminKey)
    adminKeyId = (await audit()).items.find((e) => e.action === 'organisation.register')!.actor.keyId!

    const asContractor = async (method: string, path: string, body?: unknown) => {
      const response = await platform.call(method, path, body, contractor.token)
      expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300)
      return response.body
    }
    await asContractor('POST', '/api/v1/facilities/fac-a/zones', { id: 'zone-1', name: 'Xưởng cắt' })
    const sensor = await asContractor('POST', '/api/v1/sensors', {
      id: 'noise-1',
      facilityId: 'fac-a',
      model: 'SLM',
      factors: ['noise'],
    })
    await asContractor('PATCH', '/api/v1/sensors/noise-1', {
      zoneId: 'zone-1',
      calibratedAt: '2026-01-05T00:00:00Z',
      calibrationDue: '2027-01-05T00:00:00Z',
    })
    const rotated = await asContractor('POST', '/api/v1/sensors/noise-1/credentials')
    await asContractor('DELETE', '/api/v1/sensors/noise-1/credentials')
    await asContractor('POST', '/api/v1/sensors/noise-1/decommission')
    secrets.push(sensor.credentials.password, rotated.password)
  })

  afterAll(async () => {
    await platform?.stop()
  })

  it('records who registered an organisation, a facility, and changed it, with before and after', async () => {
    const [organisation] = await entriesOf('organisation.register')
    expect(organisation).toMatchObject({
      actor: { keyId: adminKeyId, name: 'test admin', role: 'admin' },
      target: { type: 'organisation', id: 'ctv-1' },
      after: { id: 'ctv-1', name: 'Quan trắc Miền Bắc', kind: 'contractor' },
    })
    expect(organisation!.facilityId).toBeUndefined()
    expect(organisation!.before).toBeUndefined()
    expect(Date.now() - Date.parse(organisation!.at)).toBeLessThan(600_000)
    const [registered] = await entriesOf('facility.register')
    expect(registered).toMatchObject({
      facilityId: 'fac-a',
      after: { id: 'fac-a', contractorIds: ['ctv-1'] },
    })
    const [changed] = await entriesOf('facility.change')
    expect(changed).toMatchObject({ facilityId: 'fac-a', before: { workers: 0 }, after: { workers: 120 } })
  })

  it('records each facility a CSV import created or changed', async () => {
    const imported = (await entriesOf('facility.import')).reverse()
    expect(imported.map((e) => [e.target.id, e.before?.workers, e.after?.workers])).toEqual([
      ['fac-a', 120, 130],
      ['fac-b', undefined, 40],
    ])
  })

  it('records what a contractor did to a zone and a sensor, calibration dates and credentials included', async () => {
    const [zone] = await entriesOf('zone.add')
    expect(zone).toMatchObject({
      actor: { keyId: contractor.keyId, name: 'Trần Văn Minh', role: 'contractor' },
      facilityId: 'fac-a',
      target: { type: 'zone', id: 'zone-1' },
      after: { id: 'zone-1', facilityId: 'fac-a', name: 'Xưởng cắt' },
    })
    const sensorEntries = (await audit('&facility=fac-a')).items
      .filter((e) => e.target.type === 'sensor')
      .reverse()
    expect(sensorEntries.map((e) => e.action)).toEqual([
      'sensor.register',
      'sensor.change',
      'sensor.rotate-credentials',
      'sensor.revoke-credentials',
      'sensor.decommission',
    ])
    const [, change, rotate, revoke, decommission] = sensorEntries
    expect(change!.before).not.toHaveProperty('calibratedAt')
    expect(change!.after).toMatchObject({
      zoneId: 'zone-1',
      calibratedAt: Date.parse('2026-01-05T00:00:00Z'),
      calibrationDue: Date.parse('2027-01-05T00:00:00Z'),
    })
    expect([rotate!.before?.hasCredentials, rotate!.after?.hasCredentials]).toEqual([true, true])
    expect([revoke!.before?.hasCredentials, revoke!.after?.hasCredentials]).toEqual([true, false])
    expect([decommission!.before?.status, decommission!.after?.status]).toEqual(['active', 'decommissioned'])
    for (const entry of sensorEntries) expect(entry.actor.keyId).toBe(contractor.keyId)
  })

  it('records keys created and revoked, and never a secret anywhere in the trail', async () => {
    const created = await entriesOf('key.create')
    expect(created.map((e) => e.after?.name).sort()).toEqual([
      'Sở LĐTBXH',
      'Trần Văn Minh',
      'officer',
      'old laptop',
    ])
    const [revoked] = await entriesOf('key.revoke')
    expect(revoked).toMatchObject({
      target: { type: 'key' },
      before: { name: 'old laptop' },
      after: { name: 'old laptop' },
    })
    expect(revoked!.before).not.toHaveProperty('revokedAt')
    expect(revoked!.after?.revokedAt).toEqual(expect.any(Number))
    const everything = JSON.stringify((await audit()).items)
    expect(everything).not.toMatch(/secretHash|secret_hash|passwordHash/)
    for (const secret of secrets) expect(everything).not.toContain(secret.slice(-20))
  })

  it('filters by facility, actor, action and time, and pages', async () => {
    const all = await audit()
    expect((await audit('&facility=fac-b')).items.map((e) => e.target.id)).toEqual(['fac-b'])
    const byContractor = await audit(`&actor=${contractor.keyId}`)
    expect(byContractor.total).toBe(6)
    expect(byContractor.items.every((e) => e.actor.keyId === contractor.keyId)).toBe(true)
    const oldest = all.items.at(-1)!
    expect((await audit(`&to=${oldest.at}`)).total).toBe(0)
    expect((await audit(`&from=${oldest.at}`)).total).toBe(all.total)
    const second = (await platform.call('GET', '/api/v1/audit?limit=2&offset=2')).body
    expect(second).toMatchObject({ total: all.total, limit: 2, offset: 2 })
    expect(second.items.map((e: Entry) => e.id)).toEqual(all.items.slice(2, 4).map((e) => e.id))
  })

  it('refuses unknown and malformed parameters with a reason', async () => {
    for (const query of [
      'who=me',
      'action=sensor.delete',
      'from=last-week',
      'limit=0',
      'facility=bad%20id',
    ]) {
      const { status, body } = await platform.call('GET', `/api/v1/audit?${query}`)
      expect(status, query).toBe(400)
      expect(body.message, query).toMatch(/querystring/)
    }
    expect((await platform.call('GET', `/api/v1/audit?from=${Date.now()}&to=1`)).status).toBe(400)
  })

  it('exports the trail as CSV, before and after as JSON', async () => {
    const response = await fetch(
      `${platform.apiUrl}/api/v1/audit?facility=fac-a&action=sensor.change&format=csv`,
      {
        headers: { authorization: `Bearer ${platform.adminKey}` },
      },
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="audit-fac-a.csv"')
    const [header, row, ...rest] = (await response.text())
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n')
    expect(header).toBe(
      'id,at,actor_key_id,actor_name,actor_role,action,facility,target_type,target_id,before,after',
    )
    expect(rest).toEqual([])
    expect(row).toContain(
      `,${contractor.keyId},Trần Văn Minh,contractor,sensor.change,fac-a,sensor,noise-1,"{""id"":""noise-1""`,
    )
    expect(row).toContain('""calibrationDue"":1799107200000')
  })

  it('shows a regulator the entries about facilities only, and an officer or a contractor none', async () => {
    const admin = await audit()
    const read = await audit('', regulator)
    expect(read.total).toBe(admin.items.filter((e) => e.facilityId !== undefined).length)
    expect(read.items.every((e) => e.facilityId !== undefined)).toBe(true)
    expect(read.items.some((e) => e.action.startsWith('key.') || e.action.startsWith('organisation.'))).toBe(
      false,
    )
    expect((await audit('&facility=fac-a', regulator)).items.every((e) => e.facilityId === 'fac-a')).toBe(
      true,
    )
    for (const key of [officer, contractor.token]) {
      expect((await platform.call('GET', '/api/v1/audit', undefined, key)).status).toBe(403)
      expect((await platform.call('GET', '/api/v1/audit?format=csv', undefined, key)).status).toBe(403)
    }
  })

  it('is documented in the OpenAPI description, as are the alert routes', async () => {
    const response = await fetch(`${platform.apiUrl}/docs/json`)
    expect(response.status).toBe(200)
    const { paths } = (await response.json()) as { paths: Record<string, Record<string, unknown>> }
    expect(Object.keys(paths['/api/v1/audit/'] ?? paths['/api/v1/audit'] ?? {})).toEqual(['get'])
    for (const path of ['/api/v1/alerts/{alertId}/acknowledge', '/api/v1/alerts/{alertId}/resolve']) {
      expect(paths[path], path).toHaveProperty('post')
    }
  })

  it('offers no way to change or remove an entry', async () => {
    const [entry] = (await audit()).items
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      expect((await platform.call(method, `/api/v1/audit/${entry!.id}`, {})).status).toBe(404)
      expect((await platform.call(method, '/api/v1/audit', {})).status).toBe(404)
    }
    expect((await audit()).items[0]).toEqual(entry)
  })
})
