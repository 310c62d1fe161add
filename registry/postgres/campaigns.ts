import type pg from 'pg'
import type { Campaign } from '../../core/campaigns.ts'
import { CAMPAIGN_COLUMNS, type CampaignRow, campaignValues, toCampaign } from '../rows/campaigns.ts'
import type { CampaignMethods, CampaignQuery } from '../types.ts'
import { inTransaction, registryError, selectPage, Where } from './database.ts'

// Campaigns with their measurements in line order, so a page is one query.
const CAMPAIGN_VIEW = `(SELECT campaign.*, coalesce((SELECT jsonb_agg(to_jsonb(m) ORDER BY m.line)
  FROM campaign_measurement m WHERE m.campaign_id = campaign.id), '[]') AS measurements FROM campaign) AS campaign`

/** Monitoring campaigns and their measurements; a batch (a CSV import) is one transaction. */
export function campaignRepository(pool: pg.Pool): CampaignMethods {
  return {
    async createCampaigns(campaigns: readonly Campaign[]) {
      try {
        await inTransaction(pool, async (client) => {
          for (const c of campaigns) {
            await client.query(
              `INSERT INTO campaign (${CAMPAIGN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
              campaignValues(c),
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
