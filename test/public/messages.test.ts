import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createTranslator, STRINGS } from '../../api/public/js/i18n.js'

const PUBLIC = new URL('../../api/public/', import.meta.url)

/** Every literal key a page asks the catalogue for: `data-i18n` in its HTML, `t('…')` in its scripts. */
function keysUsed(): { file: string; key: string }[] {
  const used: { file: string; key: string }[] = []
  for (const name of readdirSync(PUBLIC).filter((n) => n.endsWith('.html'))) {
    const html = readFileSync(new URL(name, PUBLIC), 'utf8')
    for (const match of html.matchAll(/data-i18n="([^"]+)"/g)) used.push({ file: name, key: match[1]! })
  }
  const js = new URL('js/', PUBLIC)
  for (const name of readdirSync(js).filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(new URL(name, js), 'utf8')
    // A page's own `t` prefixes its namespace: `const t = (key, …) => tr.t(`report.${key}`, …)`.
    const namespace = /const t = \([^)]*\) => tr\.t\(`([\w-]+)\.\$\{key\}`/.exec(text)?.[1]
    for (const match of text.matchAll(/(?<![\w.])((?:view\.)?tr\.)?t\('([^']+)'/g)) {
      const key = match[1] || namespace === undefined ? match[2]! : `${namespace}.${match[2]}`
      used.push({ file: `js/${name}`, key })
    }
  }
  return used
}

describe('the one catalogue', () => {
  it('holds, in both languages, every key the pages ask for', () => {
    const used = keysUsed()
    expect(used.length).toBeGreaterThan(100)
    const missing = used.filter(({ key }) => !(key in STRINGS.en) || !(key in STRINGS.vi))
    expect(missing).toEqual([])
  })

  it('names sectors in both languages, and an unknown one as its id', () => {
    expect(createTranslator('vi').sectorLabel('garment')).toBe('Dệt may')
    expect(createTranslator('en').sectorLabel('garment')).toBe('Garment and textiles')
    expect(createTranslator('vi').sectorLabel('shipyard')).toBe('shipyard')
  })
})
