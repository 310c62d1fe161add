import { type Campaign, type CampaignMeasurement, campaignCountsAt } from '../../core/campaigns.ts'

/** A campaign measurement row, its values parsed: PostgreSQL hands jsonb over parsed, SQLite parses its text. */
export interface MeasurementRow {
  zone_id: string
  position: string | null
  factor: CampaignMeasurement['factor']
  substance: string | null
  samples: number
  samples_over_limit: number
  measured_values: number[] | null
  unit: string | null
}

/**
 * A campaign row with its measurements in line order: PostgreSQL's view aggregates them, SQLite looks them up
 * before mapping.
 */
export interface CampaignRow {
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

function toMeasurement(m: MeasurementRow): CampaignMeasurement {
  return {
    zoneId: m.zone_id,
    ...(m.position === null ? {} : { position: m.position }),
    factor: m.factor,
    ...(m.substance === null ? {} : { substance: m.substance }),
    samples: m.samples,
    samplesOverLimit: m.samples_over_limit,
    ...(m.measured_values === null ? {} : { values: m.measured_values }),
    ...(m.unit === null ? {} : { unit: m.unit }),
  }
}

export function toCampaign(row: CampaignRow): Campaign {
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
    measurements: row.measurements.map(toMeasurement),
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
  }
}

/** The columns of a campaign as `campaignValues` gives them, in that order. */
export const CAMPAIGN_COLUMNS = `id, facility_id, organisation_id, declaration_reference, declaration_published_by,
  declaration_published_on, started_on, ended_on, counts_at, recorded_at, recorded_by`

export function campaignValues(c: Campaign): (string | number | null)[] {
  return [
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
  ]
}
