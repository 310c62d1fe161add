import { describe, expect, it } from 'vitest'
import { faultSignal, offlineSignal } from '../../../core/exposure/signals.ts'
import { PROFILES } from '../../../core/limits/index.ts'
import { profileName, sourceText } from '../../../core/messages/index.ts'

/** Every `source` string of every profile, variant and factor. */
function sources(value: unknown, found = new Set<string>()): Set<string> {
  if (value !== null && typeof value === 'object') {
    const { source } = value as { source?: unknown }
    if (typeof source === 'string') found.add(source)
    for (const inner of Object.values(value)) sources(inner, found)
  }
  return found
}

/** The citations' own names and abbreviations, which Vietnamese keeps as written. */
const KEPT = new Set(
  'QCVN BYT OSHA CFR NIOSH REL IDLH ISO DHHS EC TWA STEL ST LEX PEL LFL WBGT SiO dBA dB ppm quantrac'.split(
    ' ',
  ),
)

const words = (text: string) => text.match(/(?<!\p{L})\p{L}{2,}(?!\p{L})/gu) ?? []

/** The English words of the sources: what a Vietnamese source must no longer hold. */
function englishWords(texts: Iterable<string>): Set<string> {
  return new Set([...texts].flatMap(words).filter((word) => !KEPT.has(word)))
}

describe('limit sources and rule texts', () => {
  const all = [
    ...sources(PROFILES),
    ...sources(offlineSignal(0, 1, 1).levels),
    ...sources(faultSignal(0.5).levels),
  ]
  const english = englishWords([
    ...all,
    ...(Object.keys(PROFILES) as (keyof typeof PROFILES)[]).map((id) => profileName(id, 'en')),
  ])
  const untranslated = (text: string) => words(text).filter((word) => english.has(word))

  it.each(all)('reads %s in Vietnamese with no English word left', (source) => {
    expect(untranslated(sourceText(source, 'vi'))).toEqual([])
  })

  it('keeps the citation and translates its words', () => {
    expect(sourceText('QCVN 24:2016/BYT, 2.1.1: Max at no moment above 115 dBA', 'vi')).toBe(
      'QCVN 24:2016/BYT, 2.1.1: mức tối đa không được vượt quá 115 dBA tại bất kỳ thời điểm nào',
    )
    expect(sourceText('QCVN 03:2019/BYT, Table 1, row 14, carbon monoxide', 'vi')).toBe(
      'QCVN 03:2019/BYT, Bảng 1, dòng 14, cacbon monoxit',
    )
    expect(sourceText('QCVN 03:2019/BYT, Table 1, row 14, carbon monoxide', 'en')).toBe(
      'QCVN 03:2019/BYT, Table 1, row 14, carbon monoxide',
    )
  })

  it('passes a facility’s own source through as it was typed', () => {
    expect(sourceText('Đánh giá rủi ro 2025 của nhà máy', 'vi')).toBe('Đánh giá rủi ro 2025 của nhà máy')
  })

  it('names every profile in both languages', () => {
    expect(profileName('qcvn', 'en')).toBe(PROFILES.qcvn.name)
    expect(profileName('qcvn', 'vi')).toMatch(/^Quy chuẩn kỹ thuật quốc gia Việt Nam/)
    for (const id of Object.keys(PROFILES) as (keyof typeof PROFILES)[]) {
      expect(untranslated(profileName(id, 'vi'))).toEqual([])
    }
  })
})
