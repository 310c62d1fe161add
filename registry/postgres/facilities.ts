import type pg from 'pg'
import { NotFoundError } from '../errors.ts'
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
import { inTransaction, type Queryable, registryError, selectPage, Where } from './database.ts'

// Facilities with their contractors, so a page is one query.
const FACILITY_VIEW = `(SELECT facility.*, coalesce((SELECT array_agg(organisation_id ORDER BY organisation_id)
  FROM facility_contractor WHERE facility_id = facility.id), '{}') AS contractor_ids FROM facility) AS facility`

async function read(db: Queryable, id: string): Promise<Facility | undefined> {
  const { rows } = await db.query<FacilityRow>(`SELECT * FROM ${FACILITY_VIEW} WHERE id = $1`, [id])
  return rows[0] && toFacility(rows[0])
}

/** Organisations, facilities (with their contractors) and zones. */
export function facilityRepository(pool: pg.Pool): FacilityMethods {
  async function write(facility: NewFacility, replace: boolean): Promise<Facility> {
    try {
      return await inTransaction(pool, async (client) => {
        const existing = replace ? await read(client, facility.id) : undefined
        await client.query(
          `INSERT INTO facility (${FACILITY_COLUMNS})
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, $10, $11, $12, $13)
           ${
             replace
               ? `ON CONFLICT (id) DO UPDATE SET name = excluded.name, province = excluded.province,
             sector = excluded.sector, address = excluded.address, owner_id = excluded.owner_id,
             hazards = excluded.hazards, profile = excluded.profile, shifts = excluded.shifts,
             workers = excluded.workers, province_code = excluded.province_code,
             former_province = excluded.former_province, registered_at = excluded.registered_at`
               : ''
           }`,
          facilityValues(facility, existing),
        )
        if (facility.contractorIds !== undefined) {
          await client.query('DELETE FROM facility_contractor WHERE facility_id = $1', [facility.id])
          await client.query(
            `INSERT INTO facility_contractor (facility_id, organisation_id)
             SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
            [facility.id, facility.contractorIds],
          )
        }
        return (await read(client, facility.id))!
      })
    } catch (err) {
      throw registryError(err, {
        conflict: `facility ${facility.id} exists already`,
        notFound: 'owner or contractor organisation does not exist',
      })
    }
  }

  return {
    async createOrganisation(organisation: Organisation) {
      try {
        await pool.query('INSERT INTO organisation (id, name, kind) VALUES ($1, $2, $3)', [
          organisation.id,
          organisation.name,
          organisation.kind,
        ])
      } catch (err) {
        throw registryError(err, { conflict: `organisation ${organisation.id} exists already` })
      }
    },
    async getOrganisation(id: string) {
      const { rows } = await pool.query<Organisation>(
        'SELECT id, name, kind FROM organisation WHERE id = $1',
        [id],
      )
      return rows[0]
    },
    async listOrganisations(page: PageRequest) {
      const { rows, total } = await selectPage<Organisation>(pool, 'organisation', new Where(), 'id', page)
      return { items: rows.map((row) => ({ id: row.id, name: row.name, kind: row.kind })), total, ...page }
    },

    createFacility: (facility) => write(facility, false),
    upsertFacility: (facility) => write(facility, true),
    async updateFacility(id: string, patch: FacilityPatch) {
      const current = await read(pool, id)
      if (current === undefined) throw new NotFoundError(`no facility ${id}`)
      return write(patchedFacility(current, patch), true)
    },
    getFacility: (id) => read(pool, id),
    async listFacilities(query: FacilityQuery) {
      const where = new Where().in('id', query.ids)
      if (query.provinceCode !== undefined) where.add('province_code = ?', query.provinceCode)
      if (query.sector !== undefined) where.add('sector = ?', query.sector)
      const { rows, total } = await selectPage<FacilityRow>(pool, FACILITY_VIEW, where, 'id', query)
      return { items: rows.map(toFacility), total, limit: query.limit, offset: query.offset }
    },
    async facilitiesOfContractor(organisationId: string) {
      const { rows } = await pool.query<{ facility_id: string }>(
        'SELECT facility_id FROM facility_contractor WHERE organisation_id = $1 ORDER BY 1',
        [organisationId],
      )
      return rows.map((r) => r.facility_id)
    },

    async createZone(zone: Zone) {
      try {
        await pool.query(
          'INSERT INTO zone (id, facility_id, name, limit_variant, workers) VALUES ($1, $2, $3, $4, $5)',
          [zone.id, zone.facilityId, zone.name, zone.limitVariant ?? null, zone.workers ?? null],
        )
      } catch (err) {
        throw registryError(err, {
          conflict: `zone ${zone.id} exists already`,
          notFound: `no facility ${zone.facilityId}`,
        })
      }
    },
    async listZones(facilityId: string) {
      const { rows } = await pool.query<ZoneRow>('SELECT * FROM zone WHERE facility_id = $1 ORDER BY name', [
        facilityId,
      ])
      return rows.map(toZone)
    },
    async setZoneWorkers(facilityId: string, zoneId: string, workers: number | undefined) {
      const result = await pool.query('UPDATE zone SET workers = $1 WHERE id = $2 AND facility_id = $3', [
        workers ?? null,
        zoneId,
        facilityId,
      ])
      if (result.rowCount === 0) throw new NotFoundError(`no zone ${zoneId} at facility ${facilityId}`)
    },
    async renameZone(facilityId: string, zoneId: string, name: string) {
      const result = await pool.query('UPDATE zone SET name = $1 WHERE id = $2 AND facility_id = $3', [
        name,
        zoneId,
        facilityId,
      ])
      if (result.rowCount === 0) throw new NotFoundError(`no zone ${zoneId} at facility ${facilityId}`)
    },
  }
}
