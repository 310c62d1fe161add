/** The languages quantrac writes in: Vietnamese first, English for the regulations' own wording and for logs. */
export const LANGUAGES = ['vi', 'en'] as const
export type Language = (typeof LANGUAGES)[number]

const LOCALES: Record<Language, string> = { vi: 'vi-VN', en: 'en-GB' }

/**
 * Units Vietnamese spells out, as Intl writes them ("3,14 phút", "2 giờ"); English keeps the symbols the
 * tracker writes (min, h), and every other unit is a symbol both languages write alike (dBA, mg/m³, %).
 */
const INTL_UNITS: Readonly<Record<string, string>> = { min: 'minute', h: 'hour' }

const formats = new Map<string, Intl.NumberFormat>()

function format(language: Language, unit: string | undefined): Intl.NumberFormat {
  const key = `${language}:${unit ?? ''}`
  let found = formats.get(key)
  if (found === undefined) {
    // At most 2 decimals in every language: the precision the alert tracker rounds its English message to.
    found = new Intl.NumberFormat(LOCALES[language], {
      maximumFractionDigits: 2,
      ...(unit === undefined ? {} : { style: 'unit', unit, unitDisplay: 'short' }),
    })
    formats.set(key, found)
  }
  return found
}

/** A number in the language's convention: 120.7 → "120,7" in Vietnamese, "120.7" in English. */
export function numberText(value: number, language: Language): string {
  return format(language, undefined).format(value)
}

/** A value with its unit: "3,14 phút", "120,7 dBA". */
export function quantityText(value: number, unit: string, language: Language): string {
  const intlUnit = INTL_UNITS[unit]
  if (intlUnit !== undefined && language === 'vi') return format(language, intlUnit).format(value)
  return `${numberText(value, language)} ${unit}`
}

/** Fills `{name}` placeholders; an unknown one stays visible so a gap shows. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match)
}
