import type pg from 'pg'
import { type Campaign, type CampaignMeasurement, campaignCountsAt } from '../../core/campaigns.ts'
import type { CampaignQuery, Registry } from '../types.ts'
import { inTransaction, registryError, selectPage, Where } from './database.ts'

interface MeasurementRow {
  zone_id: string
  position: string | null
  factor: CampaignMeasurement['factor']
  substance: string | null
  samples: number
  samples_over_limit: number
  measured_values: number[] | null
  unit: string | null
}

interface CampaignRow {
  id: string
  facility_id: string
  organisation_id: string
  declaration_reference: string
  declaration_published_by: string
  declaration_published_on: string | null
  started_on: string
  ended_on: string
  recorded_at: number
  recorded_by: string
  measurements: MeasurementRow[]
}

// Campaigns with their measurements in line order, so a page is one query.
const CAMPAIGN_VIEW = `(SELECT campaign.*, coalesce((SELECT jsonb_agg(to_jsonb(m) ORDER BY m.line)
  FROM campaign_measurement m WHERE m.campaign_id = campaign.id), '[]') AS measurements FROM campaign) AS campaign`

function toCampaign(row: CampaignRow): Campaign {
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
    measurements: row.measurements.map(
      (m): CampaignMeasurement => ({
        zoneId: m.zone_id,
        ...(m.position === null ? {} : { position: m.position }),
        factor: m.factor,
        ...(m.substance === null ? {} : { substance: m.substance }),
        samples: m.samples,
        samplesOverLimit: m.samples_over_limit,
        ...(m.measured_values === null ? {} : { values: m.measured_values }),
        ...(m.unit === null ? {} : { unit: m.unit }),
      }),
    ),
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
  }
}

type CampaignMethods = Pick<Registry, 'createCampaigns' | 'getCampaign' | 'listCampaigns' | 'deleteCampaign'>

/** Monitoring campaigns and their measurements; a batch (a CSV import) is one transaction. */
export function campaignRepository(pool: pg.Pool): CampaignMethods {
  return {
    async createCampaigns(campaigns: readonly Campaign[]) {
      try {
        await inTransaction(pool, async (client) => {
          for (const c of campaigns) {
            await client.query(
              `INSERT INTO campaign (id, facility_id, organisation_id, declaration_reference,
                 declaration_published_by, declaration_published_on, started_on, ended_on, counts_at, recorded_at,
                 recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
              [
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
              ],
            )
            if (c.measurements.length === 0) continue
            await client.query(
              `INSERT INTO campaign_measurement (campaign_id, line, zone_id, position, factor, substance, samples,
                 samples_over_limit, measured_values, unit)
               SELECT $1, m.line, m.zone_id, m.position, m.factor, m.substance, m.samples, m.samples_over_limit,
                 m.measured_values, m.unit
               FROM jsonb_to_recordset($2::jsonb) AS m (line integer, zone_id text, position text, factor text,
                 substance text, samples integer, samples_over_limit integer, measured_values jsonb, unit text)`,
              [
                c.id,
                JSON.stringify(
                  c.measurements.map((m, line) => ({
                    line,
                    zone_id: m.zoneId,
                    position: m.position ?? null,
                    factor: m.factor,
                    substance: m.substance ?? null,
                    samples: m.samples,
                    samples_over_limit: m.samplesOverLimit,
                    measured_values: m.values ?? null,
                    unit: m.unit ?? null,
                  })),
                ),
              ],
            )
          }
        })
      } catch (err) {
        throw registryError(err, {
          conflict: 'a campaign with that id exists already',
          notFound: 'facility, organisation or zone does not exist',
        })
      }
    },
    async getCampaign(id: string) {
      const row = (await pool.query<CampaignRow>(`SELECT * FROM ${CAMPAIGN_VIEW} WHERE id = $1`, [id]))
        .rows[0]
      return row && toCampaign(row)
    },
    async listCampaigns(query: CampaignQuery) {
      const where = new Where().in('facility_id', query.facilityIds)
      if (query.countsFrom !== undefined) where.add('counts_at >= ?', query.countsFrom)
      if (query.countsBefore !== undefined) where.add('counts_at < ?', query.countsBefore)
      const { rows, total } = await selectPage<CampaignRow>(
        pool,
        CAMPAIGN_VIEW,
        where,
        'counts_at DESC, id',
        query,
      )
      return { items: rows.map(toCampaign), total, limit: query.limit, offset: query.offset }
    },
    async deleteCampaign(id: string) {
      return (await pool.query('DELETE FROM campaign WHERE id = $1', [id])).rowCount === 1
    },
  }
}
