import type { DatabaseSync } from 'node:sqlite'
import type { ProfileId } from '../../core/limits/index.ts'
import { inTransaction } from '../../store/sqlite/database.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import type {
  Facility,
  FacilityPatch,
  FacilityQuery,
  NewFacility,
  Organisation,
  PageRequest,
  Registry,
  Zone,
} from '../types.ts'
import { isForeignKeyViolation, isUniqueViolation, selectPage, Where } from './paging.ts'

interface FacilityRow {
  id: string
  name: string
  province: string
  sector: string
  address: string
  owner_id: string | null
  hazards: string
  profile: ProfileId
  shifts: string
  workers: number
}

type FacilityMethods = Pick<
  Registry,
  | 'createOrganisation'
  | 'getOrganisation'
  | 'listOrganisations'
  | 'createFacility'
  | 'upsertFacility'
  | 'updateFacility'
  | 'getFacility'
  | 'listFacilities'
  | 'facilitiesOfContractor'
  | 'createZone'
  | 'listZones'
>

/** Organisations, facilities (with their contractors) and zones. */
export function facilityRepository(db: DatabaseSync): FacilityMethods {
  const statements = {
    insertOrganisation: db.prepare('INSERT INTO organisation (id, name, kind) VALUES (?, ?, ?)'),
    getOrganisation: db.prepare('SELECT id, name, kind FROM organisation WHERE id = ?'),
    getFacility: db.prepare('SELECT * FROM facility WHERE id = ?'),
    insertFacility: db.prepare(
      `INSERT INTO facility (id, name, province, sector, address, owner_id, hazards, profile, shifts, workers)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    replaceFacility: db.prepare(
      `INSERT INTO facility (id, name, province, sector, address, owner_id, hazards, profile, shifts, workers)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, province = excluded.province,
         sector = excluded.sector, address = excluded.address, owner_id = excluded.owner_id,
         hazards = excluded.hazards, profile = excluded.profile, shifts = excluded.shifts,
         workers = excluded.workers`,
    ),
    contractorsOf: db.prepare(
      'SELECT organisation_id FROM facility_contractor WHERE facility_id = ? ORDER BY 1',
    ),
    facilitiesOf: db.prepare(
      'SELECT facility_id FROM facility_contractor WHERE organisation_id = ? ORDER BY 1',
    ),
    clearContractors: db.prepare('DELETE FROM facility_contractor WHERE facility_id = ?'),
    addContractor: db.prepare('INSERT INTO facility_contractor (facility_id, organisation_id) VALUES (?, ?)'),
    insertZone: db.prepare('INSERT INTO zone (id, facility_id, name, limit_variant) VALUES (?, ?, ?, ?)'),
    listZones: db.prepare('SELECT * FROM zone WHERE facility_id = ? ORDER BY name'),
  }

  function toFacility(row: FacilityRow): Facility {
    const facility: Facility = {
      id: row.id,
      name: row.name,
      province: row.province,
      sector: row.sector,
      address: row.address,
      contractorIds: (statements.contractorsOf.all(row.id) as { organisation_id: string }[]).map(
        (r) => r.organisation_id,
      ),
      hazards: JSON.parse(row.hazards),
      profile: row.profile,
      shifts: JSON.parse(row.shifts),
      workers: row.workers,
    }
    if (row.owner_id !== null) facility.ownerId = row.owner_id
    return facility
  }

  function read(id: string): Facility | undefined {
    const row = statements.getFacility.get(id) as FacilityRow | undefined
    return row && toFacility(row)
  }

  function write(facility: NewFacility, replace: boolean): Facility {
    const values = [
      facility.id,
      facility.name,
      facility.province,
      facility.sector,
      facility.address,
      facility.ownerId ?? null,
      JSON.stringify(facility.hazards),
      facility.profile,
      JSON.stringify(facility.shifts),
      facility.workers,
    ]
    try {
      inTransaction(db, () => {
        ;(replace ? statements.replaceFacility : statements.insertFacility).run(...values)
        if (facility.contractorIds !== undefined) {
          statements.clearContractors.run(facility.id)
          for (const organisationId of facility.contractorIds)
            statements.addContractor.run(facility.id, organisationId)
        }
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`facility ${facility.id} exists already`)
      if (isForeignKeyViolation(err))
        throw new NotFoundError('owner or contractor organisation does not exist')
      throw err
    }
    return read(facility.id)!
  }

  return {
    async createOrganisation(organisation: Organisation) {
      try {
        statements.insertOrganisation.run(organisation.id, organisation.name, organisation.kind)
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`organisation ${organisation.id} exists already`)
        throw err
      }
    },
    async getOrganisation(id: string) {
      return statements.getOrganisation.get(id) as Organisation | undefined
    },
    async listOrganisations(page: PageRequest) {
      const { rows, total } = selectPage<Organisation>(db, 'organisation', new Where(), 'id', page)
      return { items: rows.map((row) => ({ id: row.id, name: row.name, kind: row.kind })), total, ...page }
    },

    createFacility: async (facility) => write(facility, false),
    upsertFacility: async (facility) => write(facility, true),
    async updateFacility(id: string, patch: FacilityPatch) {
      const current = read(id)
      if (current === undefined) throw new NotFoundError(`no facility ${id}`)
      return write({ ...current, ...patch, id }, true)
    },
    getFacility: async (id) => read(id),
    async listFacilities(query: FacilityQuery) {
      const where = new Where().in('id', query.ids)
      if (query.province !== undefined) where.add('province = ?', query.province)
      if (query.sector !== undefined) where.add('sector = ?', query.sector)
      const { rows, total } = selectPage<FacilityRow>(db, 'facility', where, 'id', query)
      return { items: rows.map(toFacility), total, limit: query.limit, offset: query.offset }
    },
    async facilitiesOfContractor(organisationId: string) {
      return (statements.facilitiesOf.all(organisationId) as { facility_id: string }[]).map(
        (r) => r.facility_id,
      )
    },

    async createZone(zone: Zone) {
      try {
        statements.insertZone.run(zone.id, zone.facilityId, zone.name, zone.limitVariant ?? null)
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`zone ${zone.id} exists already`)
        if (isForeignKeyViolation(err)) throw new NotFoundError(`no facility ${zone.facilityId}`)
        throw err
      }
    },
    async listZones(facilityId: string) {
      const rows = statements.listZones.all(facilityId) as {
        id: string
        facility_id: string
        name: string
        limit_variant: string | null
      }[]
      return rows.map((row) => ({
        id: row.id,
        facilityId: row.facility_id,
        name: row.name,
        ...(row.limit_variant === null ? {} : { limitVariant: row.limit_variant }),
      }))
    },
  }
}
