/**
 * Vietnam's provincial-level units: the 34 in force since 2025-07-01 and the 63 they were formed from
 * (README.md beside this file gives the sources). A facility carries a current unit; an old name is
 * accepted and mapped to the unit that absorbed it, so that a report over any period counts today's
 * territory.
 */
import { readFileSync } from 'node:fs'

export const PROVINCE_KINDS = ['province', 'city'] as const
export type ProvinceKind = (typeof PROVINCE_KINDS)[number]

/** A unit of the list in force since 2025-07-01 (Resolution 202/2025/QH15). */
export interface Province {
  /** The statistics office's 2-digit code (letter 915/CTK-CSCL). */
  code: string
  name: string
  /** `city`: one of the six centrally run cities. */
  kind: ProvinceKind
  /** The units merged into it, the one whose name was kept included; empty when unchanged. */
  formedFrom: readonly string[]
}

/** A unit of the list just before the merger (state of 2025-03-01). */
export interface FormerProvince {
  /** Its code in the old list: the same digits may name another unit in the new one (80: Long An then, Tây Ninh now). */
  code: string
  name: string
  kind: ProvinceKind
  /** The code of the current unit it is part of. */
  nowPartOf: string
}

/** The day the 34-unit list came into force. */
export const PROVINCES_IN_FORCE_FROM = '2025-07-01'

function readRows(file: string, header: string): string[][] {
  const text = readFileSync(new URL(file, import.meta.url), 'utf8').normalize('NFC')
  const [first, ...lines] = text.split(/\r?\n/).filter((line) => line !== '')
  if (first !== header) throw new Error(`${file}: expected the header ${header}, got ${first}`)
  return lines.map((line, i) => {
    const fields = line.split(',')
    if (fields.length !== 4) throw new Error(`${file} line ${i + 2}: expected 4 fields, got ${fields.length}`)
    return fields
  })
}

function kindOf(text: string | undefined): ProvinceKind {
  if (text === 'city' || text === 'province') return text
  throw new Error(`unknown kind of unit "${text}"`)
}

export const PROVINCES: readonly Province[] = readRows(
  'provinces-2025.csv',
  'code,name,kind,formed_from',
).map(([code, name, kind, formedFrom]) => ({
  code: code!,
  name: name!,
  kind: kindOf(kind),
  formedFrom: formedFrom === '' ? [] : formedFrom!.split(';'),
}))

export const FORMER_PROVINCES: readonly FormerProvince[] = readRows(
  'provinces-2024.csv',
  'code,name,kind,now_part_of',
).map(([code, name, kind, nowPartOf]) => ({
  code: code!,
  name: name!,
  kind: kindOf(kind),
  nowPartOf: nowPartOf!,
}))

/**
 * Other names people write for a unit, each with the reason it is accepted. Thừa Thiên Huế became Huế
 * city on 2025-01-01 (Resolution 175/2024/QH15), before the merger list above was drawn up.
 */
const ALIASES: readonly { name: string; code: string; former: boolean; why: string }[] = [
  { name: 'Thừa Thiên Huế', code: '46', former: true, why: 'the name until 2024-12-31' },
  { name: 'Hanoi', code: '01', former: false, why: 'English spelling' },
  { name: 'Ho Chi Minh City', code: '79', former: false, why: 'English name' },
  { name: 'HCMC', code: '79', former: false, why: 'common abbreviation' },
  { name: 'TP.HCM', code: '79', former: false, why: 'common abbreviation' },
  { name: 'TPHCM', code: '79', former: false, why: 'common abbreviation' },
  { name: 'Sài Gòn', code: '79', former: false, why: 'the city’s common name' },
]

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g
const ALL_MARKS = /\p{M}/gu
/** Words of an administrative title written before a name: "Tỉnh Bắc Ninh", "Thành phố Huế", "TP. Huế". */
const TITLE = /^(tỉnh|thành phố|tp\.?|t\.p\.?)\s+/u

/**
 * The key two spellings of one name share: Unicode NFC, lower case, no title ("Tỉnh", "Thành phố", "TP."),
 * dashes as spaces, single spaces, and each syllable's tone mark moved to its end, so that "Hoà Bình"
 * and "Hòa Bình", "Thanh Hoá" and "Thanh Hóa" (old and new placement) are one name.
 *
 * @example
 * provinceKey('Tỉnh  Khánh Hoà') === provinceKey('Khánh Hòa') // true
 */
export function provinceKey(name: string): string {
  const words = name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[-\u2010-\u2015]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(TITLE, '')
  return words
    .split(' ')
    .map((part) => {
      const decomposed = part.normalize('NFD')
      const tones = decomposed.match(TONE_MARKS) ?? []
      return decomposed.replace(TONE_MARKS, '').normalize('NFC') + tones.join('')
    })
    .join(' ')
}

/** The key without any diacritic ("binh duong"), for names typed on a keyboard without Vietnamese. */
function unaccentedKey(name: string): string {
  return provinceKey(name).normalize('NFD').replace(ALL_MARKS, '').replace(/đ/g, 'd')
}

export type ProvinceMatchKind = 'current' | 'code' | 'alias' | 'former'

/** How a name given on input was read. */
export interface ProvinceMatch {
  province: Province
  /** The text as given. */
  given: string
  matchedBy: ProvinceMatchKind
  /** Read without its diacritics (or written without them). */
  unaccented: boolean
  /** The pre-2025 unit the name designates, when it is one that is no longer a current unit. */
  former?: FormerProvince
  /** Set when the caller should be told: a former unit, an alias, a name read without its diacritics. */
  note?: string
}

const byCode = new Map(PROVINCES.map((p) => [p.code, p]))

interface Entry {
  province: Province
  matchedBy: ProvinceMatchKind
  former?: FormerProvince
  alias?: string
}

function indexes() {
  const exact = new Map<string, Entry>()
  const loose = new Map<string, Entry[]>()
  function add(name: string, entry: Entry) {
    const key = provinceKey(name)
    // A current name wins over a former unit of the same name (Lào Cai was 10, is 15): same territory kept.
    if (!exact.has(key)) exact.set(key, entry)
    const bare = unaccentedKey(name)
    const list = loose.get(bare) ?? []
    if (!list.some((e) => e.province.code === entry.province.code)) list.push(entry)
    loose.set(bare, list)
  }
  for (const province of PROVINCES) add(province.name, { province, matchedBy: 'current' })
  for (const alias of ALIASES.filter((a) => !a.former)) {
    add(alias.name, { province: byCode.get(alias.code)!, matchedBy: 'alias', alias: alias.why })
  }
  for (const former of FORMER_PROVINCES) {
    add(former.name, { province: byCode.get(former.nowPartOf)!, matchedBy: 'former', former })
  }
  for (const alias of ALIASES.filter((a) => a.former)) {
    const former: FormerProvince = {
      code: alias.code,
      name: alias.name,
      kind: 'province',
      nowPartOf: alias.code,
    }
    add(alias.name, { province: byCode.get(alias.code)!, matchedBy: 'former', former, alias: alias.why })
  }
  return { exact, loose }
}

const index = indexes()

function describe(given: string, entry: Entry, unaccented: boolean): string | undefined {
  const now = `${entry.province.name} (${entry.province.code})`
  const read = unaccented ? ' (read without diacritics)' : ''
  if (entry.matchedBy === 'former') {
    const what = entry.alias ?? `a unit before ${PROVINCES_IN_FORCE_FROM}`
    return `province "${given}"${read} is ${what}: mapped to ${now}`
  }
  if (entry.matchedBy === 'alias') return `province "${given}" (${entry.alias}) read as ${now}`
  if (unaccented) return `province "${given}" read without diacritics as ${now}`
  return undefined
}

/**
 * Reads a province as people write it: a current name in any spelling of its tone marks, with or without
 * "Tỉnh" / "Thành phố"; a current 2-digit code; a former unit's name (mapped to the unit that absorbed it);
 * a name without diacritics when it is unambiguous. Undefined when none fits.
 *
 * @example
 * resolveProvince('Bình Dương')?.province.name // 'Hồ Chí Minh' (former unit, with a note)
 * resolveProvince('37')?.province.name         // 'Ninh Bình'
 */
export function resolveProvince(given: string): ProvinceMatch | undefined {
  const text = given.trim()
  if (text === '') return undefined
  if (/^\d{1,2}$/.test(text)) {
    const province = byCode.get(text.padStart(2, '0'))
    return province === undefined ? undefined : { province, given, matchedBy: 'code', unaccented: false }
  }
  let entry = index.exact.get(provinceKey(text))
  let unaccented = false
  if (entry === undefined) {
    const candidates = index.loose.get(unaccentedKey(text)) ?? []
    if (candidates.length !== 1) return undefined
    entry = candidates[0]!
    unaccented = true
  }
  const match: ProvinceMatch = { province: entry.province, given, matchedBy: entry.matchedBy, unaccented }
  if (entry.former !== undefined) match.former = entry.former
  const note = describe(text, entry, unaccented)
  if (note !== undefined) match.note = note
  return match
}

/** The current unit with this 2-digit code. */
export function provinceByCode(code: string): Province | undefined {
  return byCode.get(code)
}
