import type { DatabaseSync } from 'node:sqlite'
import { type Campaign, type CampaignMeasurement, campaignCountsAt } from '../../core/campaigns.ts'
import { inTransaction } from '../../sqlite/database.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import type { CampaignQuery, Registry } from '../types.ts'
import { isForeignKeyViolation, isUniqueViolation, selectPage, Where } from './paging.ts'

interface CampaignRow {
  id: string
  facility_id: string
  organisation_id: string
  declaration_reference: string
  declaration_published_by: string
  declaration_published_on: string | null
  started_on: string
  ended_on: string
  counts_at: number
  recorded_at: number
  recorded_by: string
}

interface MeasurementRow {
  campaign_id: string
  line: number
  zone_id: string
  position: string | null
  factor: CampaignMeasurement['factor']
  substance: string | null
  samples: number
  samples_over_limit: number
  measured_values: string | null
  unit: string | null
}

type CampaignMethods = Pick<Registry, 'createCampaigns' | 'getCampaign' | 'listCampaigns' | 'deleteCampaign'>

/** Monitoring campaigns and their measurements, one transaction per campaign. */
export function campaignRepository(db: DatabaseSync): CampaignMethods {
  const statements = {
    insert: db.prepare(
      `INSERT INTO campaign (id, facility_id, organisation_id, declaration_reference, declaration_published_by,
         declaration_published_on, started_on, ended_on, counts_at, recorded_at, recorded_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertMeasurement: db.prepare(
      `INSERT INTO campaign_measurement (campaign_id, line, zone_id, position, factor, substance, samples,
         samples_over_limit, measured_values, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    get: db.prepare('SELECT * FROM campaign WHERE id = ?'),
    measurementsOf: db.prepare('SELECT * FROM campaign_measurement WHERE campaign_id = ? ORDER BY line'),
    delete: db.prepare('DELETE FROM campaign WHERE id = ?'),
  }

  function toCampaign(row: CampaignRow): Campaign {
    const measurements = (statements.measurementsOf.all(row.id) as unknown as MeasurementRow[]).map(
      (m): CampaignMeasurement => ({
        zoneId: m.zone_id,
        ...(m.position === null ? {} : { position: m.position }),
        factor: m.factor,
        ...(m.substance === null ? {} : { substance: m.substance }),
        samples: m.samples,
        samplesOverLimit: m.samples_over_limit,
        ...(m.measured_values === null ? {} : { values: JSON.parse(m.measured_values) as number[] }),
        ...(m.unit === null ? {} : { unit: m.unit }),
      }),
    )
    return {
      id: row.id,
      facilityId: row.facility_id,
      organisationId: row.organisation_id,
      declaration: {
        reference: row.declaration_reference,
        publishedBy: row.declaration_published_by,
        ...(row.declaration_published_on === null ? {} : { publishedOn: row.declaration_published_on }),
      },
      startedOn: row.started_on,
      endedOn: row.ended_on,
      measurements,
      recordedAt: row.recorded_at,
      recordedBy: row.recorded_by,
    }
  }

  return {
    async createCampaigns(campaigns: readonly Campaign[]) {
      try {
        inTransaction(db, () => {
          for (const c of campaigns) {
            statements.insert.run(
              c.id,
              c.facilityId,
              c.organisationId,
              c.declaration.reference,
              c.declaration.publishedBy,
              c.declaration.publishedOn ?? null,
              c.startedOn,
              c.endedOn,
              campaignCountsAt(c.endedOn),
              c.recordedAt,
              c.recordedBy,
            )
            c.measurements.forEach((m, line) => {
              statements.insertMeasurement.run(
                c.id,
                line,
                m.zoneId,
                m.position ?? null,
                m.factor,
                m.substance ?? null,
                m.samples,
                m.samplesOverLimit,
                m.values === undefined ? null : JSON.stringify(m.values),
                m.unit ?? null,
              )
            })
          }
        })
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('a campaign with that id exists already')
        if (isForeignKeyViolation(err))
          throw new NotFoundError('facility, organisation or zone does not exist')
        throw err
      }
    },
    async getCampaign(id: string) {
      const row = statements.get.get(id) as CampaignRow | undefined
      return row && toCampaign(row)
    },
    async listCampaigns(query: CampaignQuery) {
      const where = new Where().in('facility_id', query.facilityIds)
      if (query.countsFrom !== undefined) where.add('counts_at >= ?', query.countsFrom)
      if (query.countsBefore !== undefined) where.add('counts_at < ?', query.countsBefore)
      const { rows, total } = selectPage<CampaignRow>(db, 'campaign', where, 'counts_at DESC, id', query)
      return { items: rows.map(toCampaign), total, limit: query.limit, offset: query.offset }
    },
    async deleteCampaign(id: string) {
      return statements.delete.run(id).changes > 0
    },
  }
}
