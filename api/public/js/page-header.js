// @ts-check
// The top bar of every page: the brand beside the page's title, the page's own controls, links to the other
// pages, sign-out and the language buttons. A page writes only what is its own inside
// <header class="topbar" data-nav="…">: its <h1> and any controls of its own; this script, loaded before the
// page's, builds the rest around them so the bar is the same on every page. The page's script then
// translates it ([data-i18n]) and binds its buttons (#sign-out, [data-language]).
import { element } from './dom.js'
import { createTranslator, initialLanguage } from './i18n.js'

/** The pages the bar links to, by the names `data-nav` lists, each with the key of its label. */
const PAGES = {
  live: { href: '/', label: 'nav.live' },
  alerts: { href: '/alerts.html', label: 'nav.alerts' },
  shift: { href: '/shift.html', label: 'nav.shift' },
  regulator: { href: '/regulator.html', label: 'nav.regulator' },
  campaigns: { href: '/campaigns.html', label: 'nav.campaigns' },
  sensors: { href: '/sensors.html', label: 'nav.sensors' },
  account: { href: '/account.html', label: 'nav.account' },
}

const LANGUAGES = [
  { code: 'vi', name: 'Tiếng Việt' },
  { code: 'en', name: 'English' },
]

/** An element whose text is the key's in the page's language, kept as `data-i18n` for a later switch. */
function translated(tag, className, key, tr) {
  const el = element(tag, className, tr.t(key))
  el.dataset.i18n = key
  return el
}

function brand(title) {
  const names = element('div')
  names.append(element('div', 'brand-name', 'quantrac'), title)
  const mark = element('span', 'brand-mark')
  mark.setAttribute('aria-hidden', 'true')
  const block = element('div', 'brand')
  block.append(mark, names)
  return block
}

function link(name, tr) {
  const page = PAGES[name]
  if (page === undefined) throw new Error(`page-header: no page "${name}" to link to`)
  const a = translated('a', 'sign-out report-nav', page.label, tr)
  a.href = page.href
  return a
}

function signOut(tr) {
  const button = translated('button', 'sign-out', 'signOut', tr)
  button.type = 'button'
  button.id = 'sign-out'
  button.hidden = true
  return button
}

function languagePicker(tr) {
  const fieldset = element('fieldset', 'language')
  fieldset.id = 'language'
  fieldset.append(translated('legend', undefined, 'language', tr))
  for (const { code, name } of LANGUAGES) {
    const button = element('button', undefined, code.toUpperCase())
    button.type = 'button'
    button.dataset.language = code
    button.lang = code
    button.title = name
    fieldset.append(button)
  }
  return fieldset
}

/**
 * Builds the bar in `header`: its <h1> goes beside the brand, its other children first among the controls.
 * `data-nav` names the pages to link to, in order; `data-sign-in="none"` leaves out sign-out (a page that
 * needs no account).
 * @param {HTMLElement} header
 */
function renderPageHeader(header) {
  const tr = createTranslator(initialLanguage())
  const title = header.querySelector('h1')
  if (title === null) throw new Error('page-header: the <header class="topbar"> has no <h1>')
  title.classList.add('brand-title')
  const controls = element('div', 'controls')
  controls.append(...[...header.children].filter((child) => child !== title))
  const names = (header.dataset.nav ?? '').split(/\s+/).filter(Boolean)
  controls.append(...names.map((name) => link(name, tr)))
  if (header.dataset.signIn !== 'none') controls.append(signOut(tr))
  controls.append(languagePicker(tr))
  header.replaceChildren(brand(title), controls)
}

const header = document.querySelector('header.topbar')
if (header instanceof HTMLElement) renderPageHeader(header)
