import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueApiKey } from '../../registry/api-keys.ts'
import { type Platform, startPlatform, testFacility } from '../support/platform.ts'

/** Renaming a zone (the contractor screens' "Rename"), over HTTP: who may, what is refused, what is audited. */
describe('renaming a zone', () => {
  let platform: Platform
  const keys: Record<string, string> = {}
  const path = '/api/v1/facilities/plant/zones/weave'

  beforeAll(async () => {
    platform = await startPlatform()
    await platform.registry.createOrganisation({ id: 'ctv', name: 'Contractor', kind: 'contractor' })
    await platform.registry.createOrganisation({ id: 'other', name: 'Other', kind: 'contractor' })
    await platform.registry.createFacility(testFacility('plant', { contractorIds: ['ctv'] }))
    await platform.registry.createZone({ id: 'weave', facilityId: 'plant', name: 'Weaving', workers: 40 })
    for (const [name, scope] of Object.entries({
      contractor: { role: 'contractor', organisationId: 'ctv' },
      other: { role: 'contractor', organisationId: 'other' },
      officer: { role: 'officer', facilityId: 'plant' },
    } as const)) {
      keys[name] = (await issueApiKey(platform.registry, { name, ...scope })).token
    }
  })

  afterAll(async () => {
    await platform?.stop()
  })

  it("renames it for the facility's contractor, keeps its workers, and audits the change", async () => {
    const renamed = await platform.call('PATCH', path, { name: 'Weaving hall 2' }, keys.contractor!)
    expect(renamed.status).toBe(200)
    expect(renamed.body).toMatchObject({ id: 'weave', name: 'Weaving hall 2', workers: 40 })
    const audit = await platform.call('GET', '/api/v1/audit?action=zone.change&facility=plant')
    expect(audit.body.items.map((e: any) => [e.actor.name, e.before.name, e.after.name])).toEqual([
      ['contractor', 'Weaving', 'Weaving hall 2'],
    ])
  })

  it('refuses officers and other contractors, and names the field of a bad body', async () => {
    expect((await platform.call('PATCH', path, { name: 'x' }, keys.officer!)).status).toBe(403)
    expect((await platform.call('PATCH', path, { name: 'x' }, keys.other!)).status).toBe(403)
    const empty = await platform.call('PATCH', path, {}, keys.contractor!)
    expect(empty.status).toBe(400)
    expect(empty.body.message).toContain('name or workers: required')
    const blank = await platform.call('PATCH', path, { name: '  ' }, keys.contractor!)
    expect(blank.status).toBe(400)
    expect(blank.body.message).toContain('name')
    expect((await platform.registry.listZones('plant'))[0]?.name).toBe('Weaving hall 2')
  })
})
