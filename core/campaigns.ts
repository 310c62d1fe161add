/**
 * Periodic working-environment monitoring campaigns: what the law requires at least once a year (Law
 * 84/2015/QH13 Art. 18(2); Decree 44/2016/ND-CP), done by a monitoring organisation that has declared itself
 * eligible to the Ministry of Health or a provincial Department of Health (Decree 44/2016 Art. 34(2)). The
 * organisation measures, per position and factor, a number of samples and counts those over the limit.
 */

import { REPORT_UTC_OFFSET_MINUTES } from './coverage/period.ts'
import { FACTOR_IDS, FACTORS, type FactorId, isFactorId } from './factors.ts'

/**
 * Factors a campaign measures that no quantrac sensor reports: the other columns of the provincial report
 * (core/coverage/annex.ts), with the regulation that sets their limits where it is known. `unit` is what the
 * campaign form suggests; values keep the unit the organisation's report gives.
 */
export const CAMPAIGN_ONLY_FACTORS = {
  'air-speed': { label: 'Air speed', unit: 'm/s', source: 'QCVN 26:2016/BYT' },
  light: { label: 'Lighting', unit: 'lx', source: 'QCVN 22:2016/BYT' },
  vibration: { label: 'Vibration', unit: 'm/s²', source: 'QCVN 27:2016/BYT' },
  radiation: { label: 'Ionising radiation', unit: 'µSv/h', source: '' },
  'electromagnetic-field': {
    label: 'Electric and magnetic fields',
    unit: 'V/m',
    source: 'QCVN 21, 25:2016/BYT',
  },
  'dust.silica': { label: 'Silica dust', unit: 'mg/m³', source: 'QCVN 02:2019/BYT' },
  'dust.other': { label: 'Other dust', unit: 'mg/m³', source: 'QCVN 02:2019/BYT' },
  'gas.other': {
    label: 'Other toxic gas or vapour',
    unit: 'mg/m³',
    source: 'QCVN 03:2019/BYT, QCVN 01:2025/BYT',
  },
  other: { label: 'Other factor', unit: '', source: '' },
} as const

export type CampaignOnlyFactor = keyof typeof CAMPAIGN_ONLY_FACTORS
/** Anything a campaign may record: a sensor factor, or one only campaigns measure. */
export type MonitoringFactor = FactorId | CampaignOnlyFactor

export const MONITORING_FACTOR_IDS = [
  ...FACTOR_IDS,
  ...(Object.keys(CAMPAIGN_ONLY_FACTORS) as CampaignOnlyFactor[]),
] as [MonitoringFactor, ...MonitoringFactor[]]

export function monitoringFactorLabel(factor: MonitoringFactor): string {
  return isFactorId(factor) ? FACTORS[factor].label : CAMPAIGN_ONLY_FACTORS[factor].label
}

/** The organisation's declaration of eligibility ("công bố đủ điều kiện quan trắc môi trường lao động"). */
export interface Declaration {
  /** Its number or reference, as the published list gives it. */
  reference: string
  /** The Ministry of Health or the provincial Department of Health (Sở Y tế) that published it. */
  publishedBy: string
  /** YYYY-MM-DD. */
  publishedOn?: string
}

/** The samples one campaign took at one position for one factor. */
export interface CampaignMeasurement {
  /** The zone of the facility the position is in: its workers are the exposed ones. */
  zoneId: string
  /** The position inside the zone, as the organisation's report names it. */
  position?: string
  factor: MonitoringFactor
  /** For `gas.other`, `dust.other`, `other`: what was measured (toluene, wood dust…). */
  substance?: string
  samples: number
  /** Samples over the limit that applies there, as the organisation judged them. */
  samplesOverLimit: number
  /** The values measured, one per sample, in `unit`, as the organisation's report gives them. */
  values?: number[]
  unit?: string
}

export interface Campaign {
  id: string
  facilityId: string
  /** The monitoring organisation (a contractor of the registry). */
  organisationId: string
  declaration: Declaration
  /** First and last day of sampling, YYYY-MM-DD in Vietnam time. */
  startedOn: string
  endedOn: string
  measurements: CampaignMeasurement[]
  /** Epoch ms, and the API key's name, of whoever recorded it. */
  recordedAt: number
  recordedBy: string
}

/**
 * The instant a campaign counts at: the start of its last day of sampling, Vietnam time. A campaign counts
 * in the period that holds that instant, so one campaign never counts in two years.
 */
export function campaignCountsAt(endedOn: string): number {
  return Date.parse(`${endedOn}T00:00:00Z`) - REPORT_UTC_OFFSET_MINUTES * 60_000
}

/** The problems that make a campaign impossible to keep, as sentences; empty when it is fine. */
export function campaignProblems(
  campaign: Pick<Campaign, 'startedOn' | 'endedOn' | 'measurements'>,
  context: { zoneIds: ReadonlySet<string>; today: string },
): string[] {
  const problems: string[] = []
  if (campaign.startedOn > campaign.endedOn) {
    problems.push(`startedOn ${campaign.startedOn} is after endedOn ${campaign.endedOn}`)
  }
  if (campaign.endedOn > context.today) problems.push(`endedOn ${campaign.endedOn} lies in the future`)
  campaign.measurements.forEach((m, i) => {
    const at = `measurements[${i}]`
    if (!context.zoneIds.has(m.zoneId)) problems.push(`${at}: zone ${m.zoneId} is no zone of the facility`)
    if (m.samplesOverLimit > m.samples) {
      problems.push(`${at}: ${m.samplesOverLimit} samples over the limit of ${m.samples} taken`)
    }
    if (m.values !== undefined && m.values.length !== m.samples) {
      problems.push(`${at}: ${m.values.length} values given for ${m.samples} samples`)
    }
    if (m.values !== undefined && m.values.length > 0 && (m.unit === undefined || m.unit === '')) {
      problems.push(`${at}: values need their unit`)
    }
  })
  return problems
}
