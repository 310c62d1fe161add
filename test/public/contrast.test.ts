import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const CSS = readFileSync(new URL('../../api/public/styles.css', import.meta.url), 'utf8')

/** The custom properties of the stylesheet's `:root`, e.g. `--over` → `#c5221f`. */
function rootColours(): Map<string, string> {
  const root = /:root\s*\{([^}]*)\}/.exec(CSS)?.[1] ?? ''
  return new Map(
    [...root.matchAll(/(--[\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]),
  )
}

const colours = rootColours()
const colour = (name: string) =>
  name.startsWith('#') ? name : (colours.get(name) ?? expect.fail(`${name} not in :root`))

/** WCAG 2.2 relative luminance of an sRGB colour written #rrggbb. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
}

/** WCAG contrast ratio, 1 to 21. */
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (light + 0.05) / (dark + 0.05)
}

/** Text on its background, as styles.css pairs them: WCAG 1.4.3 asks 4.5:1 for normal-size text. */
const TEXT_PAIRS: [string, string, string][] = [
  ['warning level badge (.alert-level)', '#ffffff', '--near'],
  ['alarm level badge', '#ffffff', '--over'],
  ['critical level badge', '#ffffff', '--critical'],
  ['unacknowledged count (.count)', '#ffffff', '--over'],
  ['within / on track (.verdict-badge, .form-message)', '--ok', '--ok-bg'],
  ['near the limit', '--near', '--near-bg'],
  ['over the limit / behind', '--over', '--over-bg'],
  ['critical alert text on its tinted card', '--text', '--over-bg'],
  ['value coloured by status on a tile', '--over', '--surface'],
  ['value near the limit on a tile', '--near', '--surface'],
  ['value within on a tile', '--ok', '--surface'],
  ['percentage of a tile with no reading (.tile-percent in --offline)', '--offline', '--surface'],
  ['offline badge (.tile-badge)', '#3e4c59', '#e4e7eb'],
  ['muted notes on the page', '--muted', '--bg'],
  ['muted notes on a card', '--muted', '--surface'],
  ['body text', '--text', '--bg'],
  ['links and CSV buttons', '--accent', '--surface'],
  ['primary button', '#ffffff', '--accent'],
  ['field error', '--over', '--surface'],
]

/** Status marks that are not text (a tile's top border, a meter, an alert's left edge): 1.4.11 asks 3:1. */
const MARK_PAIRS: [string, string, string][] = [
  ['within mark', '--ok', '--surface'],
  ['near mark', '--near', '--surface'],
  ['over mark', '--over', '--surface'],
  ['critical mark', '--critical', '--surface'],
  ['offline mark', '--offline', '--surface'],
  ['focus ring', '--accent', '--surface'],
]

describe('the alarm colours of styles.css', () => {
  it('reads every colour it checks from :root', () => {
    for (const name of ['--ok', '--near', '--over', '--critical', '--offline', '--accent', '--muted']) {
      expect(colours.get(name)).toMatch(/^#[0-9a-f]{6}$/)
    }
  })

  it('computes contrast as WCAG defines it', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2)
  })

  it.each(TEXT_PAIRS)('%s: text contrast at least 4.5:1', (_name, text, background) => {
    expect(contrast(colour(text), colour(background))).toBeGreaterThanOrEqual(4.5)
  })

  it.each(MARK_PAIRS)('%s: at least 3:1 against the card', (_name, mark, background) => {
    expect(contrast(colour(mark), colour(background))).toBeGreaterThanOrEqual(3)
  })
})
