import type { DatabaseSync } from 'node:sqlite'
import type { Campaign } from '../../core/campaigns.ts'
import { inTransaction } from '../../sqlite/database.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import {
  CAMPAIGN_COLUMNS,
  type CampaignRow,
  campaignValues,
  type MeasurementRow,
  toCampaign,
} from '../rows/campaigns.ts'
import type { CampaignMethods, CampaignQuery } from '../types.ts'
import { isForeignKeyViolation, isUniqueViolation, selectPage, Where } from './paging.ts'

/** A campaign row as SQLite stores it: its measurements in their own table. */
type StoredCampaignRow = Omit<CampaignRow, 'measurements'>

/** A measurement row as SQLite stores it: its values as JSON text. */
type StoredMeasurementRow = Omit<MeasurementRow, 'measured_values'> & { measured_values: string | null }

/** Monitoring campaigns and their measurements, one transaction per campaign. */
export function campaignRepository(db: DatabaseSync): CampaignMethods {
  const statements = {
    insert: db.prepare(
      `INSERT INTO campaign (${CAMPAIGN_COLUMNS})
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

  function withMeasurements(row: StoredCampaignRow): CampaignRow {
    const stored = statements.measurementsOf.all(row.id) as unknown as StoredMeasurementRow[]
    const measurements = stored.map(
      (m): MeasurementRow => ({
        ...m,
        measured_values: m.measured_values === null ? null : (JSON.parse(m.measured_values) as number[]),
      }),
    )
    return { ...row, measurements }
  }

  return {
    async createCampaigns(campaigns: readonly Campaign[]) {
      try {
        inTransaction(db, () => {
          for (const c of campaigns) {
            statements.insert.run(...campaignValues(c))
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
      const row = statements.get.get(id) as StoredCampaignRow | undefined
      return row && toCampaign(withMeasurements(row))
    },
    async listCampaigns(query: CampaignQuery) {
      const where = new Where().in('facility_id', query.facilityIds)
      if (query.countsFrom !== undefined) where.add('counts_at >= ?', query.countsFrom)
      if (query.countsBefore !== undefined) where.add('counts_at < ?', query.countsBefore)
      const { rows, total } = selectPage<StoredCampaignRow>(
        db,
        'campaign',
        where,
        'counts_at DESC, id',
        query,
      )
      return {
        items: rows.map((row) => toCampaign(withMeasurements(row))),
        total,
        limit: query.limit,
        offset: query.offset,
      }
    },
    async deleteCampaign(id: string) {
      return statements.delete.run(id).changes > 0
    },
  }
}
