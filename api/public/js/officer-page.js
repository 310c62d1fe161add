// @ts-check
// What the safety officer's report pages (alert history, shift report) share: the translator and the static
// texts, the language buttons, signing in, the facility picker and reading the API with the page's key.
import { $, all, element, saveDownload } from './dom.js'
import { loadFactorCatalogue } from './factors.js'
import { createTranslator, initialLanguage, saveLanguage } from './i18n.js'
import { AuthError, askForKey, bindSignIn, withApiKey } from './sign-in.js'

/** The page's translator; replaced when the person picks another language. */
export const page = { tr: createTranslator(initialLanguage()) }

/** A 4xx the API explained: its message names the field. */
export class RefusedError extends Error {}

export async function fetchApi(path, accept = 'application/json') {
  const response = await fetch(path, { headers: withApiKey({ accept }) })
  if (response.status === 401) throw new AuthError(`${path}: HTTP 401`)
  if (response.status >= 400 && response.status < 500) {
    const body = await response.json().catch(() => ({}))
    throw new RefusedError(body.message ?? `HTTP ${response.status}`)
  }
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
  return response
}

export async function getJson(path) {
  return (await fetchApi(path)).json()
}

export async function download(path, fallback) {
  await saveDownload(await fetchApi(path, 'text/csv'), fallback)
}

export function applyStaticTexts() {
  document.documentElement.lang = page.tr.language
  for (const el of all('[data-i18n]')) el.textContent = page.tr.t(el.dataset.i18n)
  for (const button of all('[data-language]'))
    button.setAttribute('aria-pressed', String(button.dataset.language === page.tr.language))
}

export function showBanner(text) {
  $('banner').textContent = text
  $('banner').hidden = false
}

export function hideBanner() {
  $('banner').hidden = true
}

/**
 * Runs `action`; a 401 asks for a key and runs it again, a refusal shows the API's message, anything else
 * `failed` (a key of the page's strings).
 */
export async function guarded(action, failed) {
  try {
    await action()
  } catch (err) {
    if (err instanceof AuthError) return askForKey(() => void guarded(action, failed))
    console.error(err)
    showBanner(err instanceof RefusedError ? err.message : page.tr.t(failed))
  }
}

/**
 * Fills the facility select from the API, keeping `wanted` when the key reaches it; loads the factors' and the
 * resolution reasons' names (js/factors.js) with it.
 */
export async function loadFacilities(wanted) {
  const [{ items }] = await Promise.all([
    getJson('/api/v1/facilities?limit=500'),
    loadFactorCatalogue(getJson),
  ])
  $('facility').replaceChildren(
    ...items.map((f) => {
      const option = element('option', undefined, `${f.name} (${f.id})`)
      option.value = f.id
      return option
    }),
  )
  if (items.some((f) => f.id === wanted)) $('facility').value = wanted
  return items
}

/** Language buttons and sign-in; `rerender` redraws the page in the new language. */
export function bindPage(rerender, reload) {
  for (const button of all('[data-language]')) {
    button.addEventListener('click', () => {
      saveLanguage(button.dataset.language)
      page.tr = createTranslator(button.dataset.language)
      applyStaticTexts()
      rerender()
    })
  }
  bindSignIn({ refused: () => page.tr.t('keyRefused'), onSignedOut: () => askForKey(reload) })
  applyStaticTexts()
}

/** `yyyy-mm-ddThh:mm` of the browser's local time, for a datetime-local input. */
export function localInput(time) {
  return new Date(time - new Date(time).getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}

/** A datetime-local input's value as epoch ms, or undefined when empty or not a time. */
export function inputTime(id) {
  const value = $(id).value
  if (value === '') return undefined
  const time = Date.parse(value)
  return Number.isFinite(time) ? time : undefined
}

/** A date and time in the page's language, with the year: report lines are read days later. */
export function dateTime(time) {
  return new Intl.DateTimeFormat(page.tr.locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(time))
}

/** A table cell with its column's name, which a phone shows beside the value when rows stack. */
export function cell(label, ...content) {
  const td = element('td')
  td.dataset.label = label
  td.append(...content)
  return td
}
