import type { FactorId } from '../factors.ts'
import { FACTORS } from '../factors.ts'
import { FACTOR_LABELS_VI } from '../labels.ts'
import { PROFILES, type ProfileId } from '../limits/index.ts'
import type { Language } from './language.ts'

/** A factor's name in the language: core/labels.ts's Vietnamese, core/factors.ts's English. */
export function factorName(factor: FactorId, language: Language): string {
  return language === 'vi' ? FACTOR_LABELS_VI[factor] : FACTORS[factor].label
}

/** Limit profiles' names in Vietnamese; English is the profile's own `name` (core/limits). */
const PROFILE_NAMES_VI: Readonly<Record<ProfileId, string>> = {
  qcvn: 'Quy chuẩn kỹ thuật quốc gia Việt Nam (QCVN 24:2016, 03:2019, 02:2019, 26:2016/BYT)',
  osha: 'Giới hạn PEL của OSHA, Hoa Kỳ',
  niosh: 'Giới hạn REL của NIOSH, Hoa Kỳ',
  eu: 'Chỉ thị 2003/10/EC của Liên minh châu Âu (tiếng ồn)',
}

export function profileName(profileId: ProfileId, language: Language): string {
  return language === 'vi' ? PROFILE_NAMES_VI[profileId] : PROFILES[profileId].name
}
