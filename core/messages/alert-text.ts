import type { Alert } from '../alerts.ts'
import { fill, type Language, quantityText } from './language.ts'
import { sourceText } from './limit-sources.ts'
import { factorName } from './names.ts'

/** An alert's sentence by language: `{subject}` by kind, `{threshold}` by level. */
const SENTENCES = {
  vi: {
    above: '{subject} {value} vượt {threshold} {limit}',
    below: '{subject} {value} thấp hơn {threshold} {limit}',
    threshold: { warning: 'ngưỡng cảnh báo', alarm: 'giới hạn', critical: 'ngưỡng nguy hiểm' },
    subject: {
      ceiling: '{factor}',
      stel: '{factor} trung bình 15 phút',
      twa: '{factor} TWA 8 giờ',
      dose: 'Liều ồn',
      projectedDose: 'Liều ồn dự báo cuối ca',
      projectedTwa: '{factor} TWA dự báo cuối ca',
      'heat-stress': '{factor} trung bình 1 giờ',
      'sensor-offline': 'Thời gian không có số liệu',
      'sensor-fault': 'Tỷ lệ số liệu ngoài khoảng đo',
    },
  },
  // The tracker's own words (core/exposure/signals.ts labels, alert-tracker.ts message).
  en: {
    above: '{subject} {value} is above the {threshold} of {limit}',
    below: '{subject} {value} is below the {threshold} of {limit}',
    threshold: { warning: 'warning limit', alarm: 'alarm limit', critical: 'critical limit' },
    subject: {
      ceiling: '{factor}',
      stel: '{factor} 15-min mean',
      twa: '{factor} 8-h TWA',
      dose: 'Noise dose',
      projectedDose: 'Projected end-of-shift noise dose',
      projectedTwa: '{factor} projected end-of-shift TWA',
      'heat-stress': 'WBGT 1-h mean',
      'sensor-offline': 'Time since last reading',
      'sensor-fault': 'Readings out of the physical range',
    },
  },
} as const

/** The fields an alert's sentence is made of: what the API sends, and what a notification has. */
export type AlertWords = Pick<Alert, 'factor' | 'kind' | 'level' | 'value' | 'limit' | 'unit' | 'source'>

function subject(alert: AlertWords, language: Language): string {
  const words = SENTENCES[language].subject
  const factor = factorName(alert.factor, language)
  if (alert.kind === 'projected') {
    return fill(alert.factor === 'noise' ? words.projectedDose : words.projectedTwa, { factor })
  }
  return fill(words[alert.kind], { factor })
}

/**
 * An alert in words, in the language, from its fields (kind, level, factor, worst value, limit, unit):
 * "Tiếng ồn 120,7 dBA vượt ngưỡng nguy hiểm 115 dBA" / "Noise level 120.7 dBA is above the critical limit
 * of 115 dBA". Both languages round to the same 2 decimals, each in its own convention, and Vietnamese
 * spells minutes and hours ("3,14 phút").
 *
 * @example alertText(alert, 'vi') // for a notification template; the API sends both as `texts`
 */
export function alertText(alert: AlertWords, language: Language): string {
  const words = SENTENCES[language]
  // The alert keeps its worst value: below a floor it stays under the limit, above a limit over it.
  const relation = alert.value < alert.limit ? 'below' : 'above'
  return fill(words[relation], {
    subject: subject(alert, language),
    value: quantityText(alert.value, alert.unit, language),
    threshold: words.threshold[alert.level],
    limit: quantityText(alert.limit, alert.unit, language),
  })
}

/** Both the alert's sentence and its limit's source, in both languages: the API's and the live feed's `texts`. */
export function alertTexts(alert: AlertWords): Record<Language, { message: string; source: string }> {
  return {
    vi: { message: alertText(alert, 'vi'), source: sourceText(alert.source, 'vi') },
    en: { message: alertText(alert, 'en'), source: sourceText(alert.source, 'en') },
  }
}
