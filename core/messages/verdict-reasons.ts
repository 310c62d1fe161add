import { type Basis, type Reason, type ReasonCode, SUFFICIENT_BASIS } from '../exposure/verdicts.ts'
import { fill, type Language, numberText, quantityText } from './language.ts'

/** A verdict's reasons by code, in each language; `{…}` are filled from the figure's basis and the rules. */
const REASONS: Readonly<Record<Language, Readonly<Record<ReasonCode, string>>>> = {
  en: {
    'measured-exceedance':
      'Exceeded on the measured time alone ({measured}), unmeasured time counted as zero: certain',
    'projection-exceeds': 'The end-of-shift projection exceeds the limit, on a sufficient basis',
    'basis-sufficient': 'Within the limit, with {share} of the time measured',
    'no-value': 'No value yet: too little of its window was measured',
    'measured-below-minimum': 'Measured {measured}: at least {minimum} are needed (EN 689)',
    'share-below-minimum': 'Readings cover {share} of {window}: {needed} are needed (OSHA: 7 of 8 hours)',
    'gap-too-long': 'Readings missing for {gap} at a stretch: at most {maxGap}',
    'calibration-lapsed': "The sensor's calibration is past due",
    'calibration-unknown': 'No calibration date is registered for the sensor',
    'sensor-fault': 'The sensor reports a fault ({faults})',
  },
  vi: {
    'measured-exceedance':
      'Đã vượt chỉ tính thời gian đo được ({measured}), thời gian không đo tính bằng 0: chắc chắn',
    'projection-exceeds': 'Dự báo cuối ca vượt giới hạn, trên cơ sở đủ dữ liệu',
    'basis-sufficient': 'Trong giới hạn, với {share} thời gian đã đo',
    'no-value': 'Chưa có giá trị: đo chưa đủ trong khoảng thời gian của chỉ số',
    'measured-below-minimum': 'Mới đo {measured}: cần ít nhất {minimum} (EN 689)',
    'share-below-minimum': 'Số liệu phủ {share} của {window}: cần {needed} (OSHA: 7 trên 8 giờ)',
    'gap-too-long': 'Mất số liệu liên tục {gap}: tối đa {maxGap}',
    'calibration-lapsed': 'Cảm biến đã quá hạn hiệu chuẩn',
    'calibration-unknown': 'Cảm biến chưa đăng ký ngày hiệu chuẩn',
    'sensor-fault': 'Cảm biến đang báo lỗi ({faults})',
  },
}

/**
 * One reason of a verdict in words, in the language, with the figures of its basis:
 * "Số liệu phủ 41,7 % của 12 giờ: cần 87,5 % (OSHA: 7 trên 8 giờ)".
 *
 * @example reasonText('gap-too-long', basis, 'vi') // "Mất số liệu liên tục 1,5 giờ: tối đa 1 giờ"
 */
export function reasonText(code: ReasonCode, basis: Basis | undefined, language: Language): string {
  const hours = (ms: number) => quantityText(Math.round(ms / 36_000) / 100, 'h', language)
  const percent = (share: number) => `${numberText(Math.round(share * 1000) / 10, language)} %`
  const values: Record<string, string> = {
    minimum: hours(SUFFICIENT_BASIS.minMeasuredMs),
    needed: percent(SUFFICIENT_BASIS.minShareForWithin),
    maxGap: hours(SUFFICIENT_BASIS.maxGapMs),
  }
  if (basis !== undefined) {
    values.measured = hours(basis.measuredMs)
    values.window = hours(basis.windowMs)
    values.share = percent(basis.share)
    values.gap = hours(basis.longestGapMs)
    values.faults = basis.faults.join(', ')
  }
  return fill(REASONS[language][code], values)
}

/** A judged figure's reasons with their words in both languages, as the API and the live feed send them. */
export function reasonsWithTexts(reasons: readonly Reason[], basis: Basis | undefined) {
  return reasons.map((reason) => ({
    ...reason,
    texts: { vi: reasonText(reason.code, basis, 'vi'), en: reasonText(reason.code, basis, 'en') },
  }))
}
