import { describe, expect, it } from 'vitest'
import {
  FORMER_PROVINCES,
  PROVINCES,
  provinceByCode,
  provinceKey,
  resolveProvince,
} from '../../core/provinces/index.ts'

describe('the province lists', () => {
  it('hold 34 current units with unique 2-digit codes, six of them centrally run cities', () => {
    expect(PROVINCES).toHaveLength(34)
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(34)
    expect(PROVINCES.every((p) => /^\d{2}$/.test(p.code))).toBe(true)
    expect(PROVINCES.filter((p) => p.kind === 'city').map((p) => p.name)).toEqual([
      'Hà Nội',
      'Hải Phòng',
      'Huế',
      'Đà Nẵng',
      'Hồ Chí Minh',
      'Cần Thơ',
    ])
  })

  it('hold 63 former units, each now part of a current one', () => {
    expect(FORMER_PROVINCES).toHaveLength(63)
    for (const former of FORMER_PROVINCES) expect(provinceByCode(former.nowPartOf)).toBeDefined()
  })

  it('agree: a merged unit lists exactly the former units that point to it; 11 were left unchanged', () => {
    for (const province of PROVINCES) {
      const members = FORMER_PROVINCES.filter((f) => f.nowPartOf === province.code).map((f) =>
        provinceKey(f.name),
      )
      if (province.formedFrom.length === 0) {
        expect(members).toEqual([provinceKey(province.name)])
      } else {
        expect(members.sort()).toEqual(province.formedFrom.map(provinceKey).sort())
      }
    }
    expect(PROVINCES.filter((p) => p.formedFrom.length === 0)).toHaveLength(11)
  })

  it('are in Unicode NFC', () => {
    for (const p of [...PROVINCES, ...FORMER_PROVINCES]) expect(p.name).toBe(p.name.normalize('NFC'))
  })
})

describe('provinceKey', () => {
  it.each([
    ['Hòa Bình', 'Hoà Bình'],
    ['Thanh Hóa', 'Thanh Hoá'],
    ['Khánh Hòa', 'Tỉnh  Khánh Hoà'],
    ['Hồ Chí Minh', 'Thành phố Hồ Chí Minh'],
    ['Hồ Chí Minh', 'TP. Hồ Chí Minh'],
    ['Bà Rịa - Vũng Tàu', 'Bà Rịa–Vũng Tàu'],
    ['Bà Rịa - Vũng Tàu', 'BÀ RỊA VŨNG TÀU'],
    // Decomposed input (NFD, as some systems send it) is the same name.
    ['Đắk Lắk', 'Đắk Lắk'.normalize('NFD')],
  ])('gives %j and %j one key', (a, b) => {
    expect(provinceKey(a)).toBe(provinceKey(b))
  })

  it('keeps names apart that differ by more than the placement of a tone mark', () => {
    expect(provinceKey('Quảng Nam')).not.toBe(provinceKey('Quảng Ninh'))
    expect(provinceKey('Hà Nam')).not.toBe(provinceKey('Hà Nội'))
  })
})

describe('resolveProvince', () => {
  it('reads a current name in either tone-mark placement without a note', () => {
    const match = resolveProvince('Khánh Hoà')
    expect(match).toMatchObject({ province: { code: '56', name: 'Khánh Hòa' }, matchedBy: 'current' })
    expect(match?.note).toBeUndefined()
  })

  it('maps a former unit to the unit that absorbed it, and says so', () => {
    const match = resolveProvince('Bình Dương')
    expect(match).toMatchObject({
      province: { code: '79', name: 'Hồ Chí Minh' },
      matchedBy: 'former',
      former: { code: '74', name: 'Bình Dương', nowPartOf: '79' },
    })
    expect(match?.note).toBe('province "Bình Dương" is a unit before 2025-07-01: mapped to Hồ Chí Minh (79)')
  })

  it.each([
    ['Hà Nam', '37'],
    ['Nam Định', '37'],
    ['Long An', '80'],
    ['Kiên Giang', '91'],
    ['Hoà Bình', '25'],
    ['Thừa Thiên Huế', '46'],
    ['Bà Rịa–Vũng Tàu', '79'],
  ])('maps the former %s to %s', (name, code) => {
    expect(resolveProvince(name)).toMatchObject({ matchedBy: 'former', province: { code } })
  })

  it('keeps a name that is both old and current as the current unit (Lào Cai: old 10, now 15)', () => {
    expect(resolveProvince('Lào Cai')).toMatchObject({ matchedBy: 'current', province: { code: '15' } })
    expect(resolveProvince('Yên Bái')).toMatchObject({ matchedBy: 'former', province: { code: '15' } })
  })

  it('reads current codes only: 80 is Tây Ninh now, though it was Long An', () => {
    expect(resolveProvince('80')?.province.name).toBe('Tây Ninh')
    expect(resolveProvince('1')?.province.name).toBe('Hà Nội')
    expect(resolveProvince('74')).toBeUndefined()
  })

  it('reads a name typed without diacritics when one unit fits, with a note', () => {
    expect(resolveProvince('Binh Duong')).toMatchObject({ province: { code: '79' }, unaccented: true })
    expect(resolveProvince('Ha Noi')?.note).toBe('province "Ha Noi" read without diacritics as Hà Nội (01)')
    expect(resolveProvince('Ba Ria Vung Tau')?.province.code).toBe('79')
  })

  it('reads the common other names of the two largest cities', () => {
    expect(resolveProvince('Hanoi')?.province.code).toBe('01')
    expect(resolveProvince('TP.HCM')?.province.code).toBe('79')
    expect(resolveProvince('Ho Chi Minh City')?.province.code).toBe('79')
  })

  it.each(['', '  ', 'Xyz', 'Hà', '999', 'Bình'])('refuses %j', (text) => {
    expect(resolveProvince(text)).toBeUndefined()
  })
})
