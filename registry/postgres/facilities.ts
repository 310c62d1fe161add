import { isDeepStrictEqual } from 'node:util'
import type pg from 'pg'
import { PROVINCES_IN_FORCE_FROM, resolveProvince } from '../../core/provinces/index.ts'
import { shiftPatternProblem } from '../../core/shifts.ts'
import { InvalidValueError, NotFoundError } from '../errors.ts'
import { type FacilityRow, toFacility, toZone, type ZoneRow } from '../rows/facilities.ts'
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
import { inTransaction, type Queryable, registryError, selectPage, Where } from './database.ts'

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
  | 'setZoneWorkers'
  | 'renameZone'
>

// Facilities with their contractors, so a page is one query.
const FACILITY_VIEW = `(SELECT facility.*, coalesce((SELECT array_agg(organisation_id ORDER BY organisation_id)
  FROM facility_contractor WHERE facility_id = facility.id), '{}') AS contractor_ids FROM facility) AS facility`

/** The current unit a facility's province designates; InvalidValueError when it is none. */
function provinceOf(given: string) {
  const match = resolveProvince(given)
  if (match === undefined) {
    throw new InvalidValueError(
      `province "${given}" is no provincial unit of the list in force since ${PROVINCES_IN_FORCE_FROM} nor a former one (GET /api/v1/provinces lists them)`,
    )
  }
  return match
}

async function read(db: Queryable, id: string): Promise<Facility | undefined> {
  const { rows } = await db.query<FacilityRow>(`SELECT * FROM ${FACILITY_VIEW} WHERE id = $1`, [id])
  return rows[0] && toFacility(rows[0])
}

/** Organisations, facilities (with their contractors) and zones. */
export function facilityRepository(pool: pg.Pool): FacilityMethods {
  async function write(facility: NewFacility, replace: boolean): Promise<Facility> {
    const match = provinceOf(facility.province)
    try {
      return await inTransaction(pool, async (client) => {
        const existing = replace ? await read(client, facility.id) : undefined
        if (existing === undefined || !isDeepStrictEqual(existing.shifts, facility.shifts)) {
          const problem = shiftPatternProblem(facility.shifts)
          if (problem !== undefined) throw new InvalidValueError(`shifts.${problem}`)
        }
        // An upsert that gives no date keeps the one the facility has: reseeding must not move it to today.
        const registeredAt =
          facility.registeredAt ?? (existing === undefined ? Date.now() : existing.registeredAt)
        await client.query(
          `INSERT INTO facility (id, name, province, sector, address, owner_id, hazards, profile, shifts, workers,
             province_code, former_province, registered_at)
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
          [
            facility.id,
            facility.name,
            match.province.name,
            facility.sector,
            facility.address,
            facility.ownerId ?? null,
            JSON.stringify(facility.hazards),
            facility.profile,
            JSON.stringify(facility.shifts),
            facility.workers,
            match.province.code,
            match.former?.name ?? facility.formerProvince ?? null,
            registeredAt ?? null,
          ],
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
      // A new province replaces the old unit it was registered under, unless the patch names one.
      const { formerProvince, ...kept } = current
      const base = patch.province === undefined ? current : kept
      return write({ ...base, ...patch, id }, true)
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
