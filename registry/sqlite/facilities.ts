import type { DatabaseSync } from 'node:sqlite'
import { resolveProvince } from '../../core/provinces/index.ts'
import { inTransaction } from '../../sqlite/database.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import {
  FACILITY_COLUMNS,
  type FacilityRow,
  facilityValues,
  patchedFacility,
  toFacility,
  toZone,
  type ZoneRow,
} from '../rows/facilities.ts'
import type {
  Facility,
  FacilityMethods,
  FacilityPatch,
  FacilityQuery,
  NewFacility,
  Organisation,
  PageRequest,
  Zone,
} from '../types.ts'
import { isForeignKeyViolation, isUniqueViolation, selectPage, Where } from './paging.ts'

/** A facility row as SQLite returns it: JSON columns as text, no contractors, a province code possibly null. */
type StoredFacilityRow = Omit<FacilityRow, 'hazards' | 'shifts' | 'province_code' | 'contractor_ids'> & {
  hazards: string
  shifts: string
  province_code: string | null
}

/**
 * Facilities written before provinces were checked keep the name as given: on opening, each is mapped to its
 * current unit when its name designates one (an old unit's name included, which is then kept as the former).
 */
function mapUncheckedProvinces(db: DatabaseSync): void {
  const rows = db.prepare('SELECT id, province FROM facility WHERE province_code IS NULL').all() as {
    id: string
    province: string
  }[]
  const update = db.prepare(
    'UPDATE facility SET province = ?, province_code = ?, former_province = ? WHERE id = ?',
  )
  inTransaction(db, () => {
    for (const row of rows) {
      const match = resolveProvince(row.province)
      if (match === undefined) continue
      update.run(match.province.name, match.province.code, match.former?.name ?? null, row.id)
    }
  })
}

/** Organisations, facilities (with their contractors) and zones. */
export function facilityRepository(db: DatabaseSync): FacilityMethods {
  mapUncheckedProvinces(db)
  const statements = {
    insertOrganisation: db.prepare('INSERT INTO organisation (id, name, kind) VALUES (?, ?, ?)'),
    getOrganisation: db.prepare('SELECT id, name, kind FROM organisation WHERE id = ?'),
    getFacility: db.prepare('SELECT * FROM facility WHERE id = ?'),
    insertFacility: db.prepare(
      `INSERT INTO facility (${FACILITY_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    replaceFacility: db.prepare(
      `INSERT INTO facility (${FACILITY_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, province = excluded.province,
         sector = excluded.sector, address = excluded.address, owner_id = excluded.owner_id,
         hazards = excluded.hazards, profile = excluded.profile, shifts = excluded.shifts,
         workers = excluded.workers, province_code = excluded.province_code,
         former_province = excluded.former_province, registered_at = excluded.registered_at`,
    ),
    contractorsOf: db.prepare(
      'SELECT organisation_id FROM facility_contractor WHERE facility_id = ? ORDER BY 1',
    ),
    facilitiesOf: db.prepare(
      'SELECT facility_id FROM facility_contractor WHERE organisation_id = ? ORDER BY 1',
    ),
    clearContractors: db.prepare('DELETE FROM facility_contractor WHERE facility_id = ?'),
    addContractor: db.prepare('INSERT INTO facility_contractor (facility_id, organisation_id) VALUES (?, ?)'),
    insertZone: db.prepare(
      'INSERT INTO zone (id, facility_id, name, limit_variant, workers) VALUES (?, ?, ?, ?, ?)',
    ),
    updateZoneWorkers: db.prepare('UPDATE zone SET workers = ? WHERE id = ? AND facility_id = ?'),
    renameZone: db.prepare('UPDATE zone SET name = ? WHERE id = ? AND facility_id = ?'),
    listZones: db.prepare('SELECT * FROM zone WHERE facility_id = ? ORDER BY name'),
  }

  function parsed(row: StoredFacilityRow): FacilityRow {
    return {
      ...row,
      hazards: JSON.parse(row.hazards),
      shifts: JSON.parse(row.shifts),
      province_code: row.province_code ?? '',
      contractor_ids: (statements.contractorsOf.all(row.id) as { organisation_id: string }[]).map(
        (r) => r.organisation_id,
      ),
    }
  }

  function read(id: string): Facility | undefined {
    const row = statements.getFacility.get(id) as StoredFacilityRow | undefined
    return row && toFacility(parsed(row))
  }

  function write(facility: NewFacility, replace: boolean): Facility {
    const values = facilityValues(facility, replace ? read(facility.id) : undefined)
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
      return write(patchedFacility(current, patch), true)
    },
    getFacility: async (id) => read(id),
    async listFacilities(query: FacilityQuery) {
      const where = new Where().in('id', query.ids)
      if (query.provinceCode !== undefined) where.add('province_code = ?', query.provinceCode)
      if (query.sector !== undefined) where.add('sector = ?', query.sector)
      const { rows, total } = selectPage<StoredFacilityRow>(db, 'facility', where, 'id', query)
      return {
        items: rows.map((row) => toFacility(parsed(row))),
        total,
        limit: query.limit,
        offset: query.offset,
      }
    },
    async facilitiesOfContractor(organisationId: string) {
      return (statements.facilitiesOf.all(organisationId) as { facility_id: string }[]).map(
        (r) => r.facility_id,
      )
    },

    async createZone(zone: Zone) {
      try {
        statements.insertZone.run(
          zone.id,
          zone.facilityId,
          zone.name,
          zone.limitVariant ?? null,
          zone.workers ?? null,
        )
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`zone ${zone.id} exists already`)
        if (isForeignKeyViolation(err)) throw new NotFoundError(`no facility ${zone.facilityId}`)
        throw err
      }
    },
    async listZones(facilityId: string) {
      const rows = statements.listZones.all(facilityId) as unknown as ZoneRow[]
      return rows.map(toZone)
    },
    async setZoneWorkers(facilityId: string, zoneId: string, workers: number | undefined) {
      if (statements.updateZoneWorkers.run(workers ?? null, zoneId, facilityId).changes === 0) {
        throw new NotFoundError(`no zone ${zoneId} at facility ${facilityId}`)
      }
    },

    async renameZone(facilityId: string, zoneId: string, name: string) {
      if (statements.renameZone.run(name, zoneId, facilityId).changes === 0) {
        throw new NotFoundError(`no zone ${zoneId} at facility ${facilityId}`)
      }
    },
  }
}
