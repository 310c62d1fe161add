// @ts-check
// The campaigns page: a monitoring organisation records a periodic working-environment monitoring campaign
// (POST /api/v1/campaigns) — facility, dates, its declaration of eligibility, and per zone and factor the
// samples taken, those over the limit and the values — or imports a CSV (POST /api/v1/campaigns/import);
// every key sees the campaigns of the facilities it reaches (GET /api/v1/campaigns).

import { $, all, element, table } from './dom.js'
import { loadFactorCatalogue, monitoringFactorIds } from './factors.js'
import { createTranslator, initialLanguage, saveLanguage } from './i18n.js'
import { AuthError, askForKey, bindSignIn, withApiKey } from './sign-in.js'

let tr = createTranslator(initialLanguage())
let facilities = []
const zonesOf = new Map()

/** The page's own labels (campaigns.* in i18n.js). */
const t = (key, values = {}) => tr.t(`campaigns.${key}`, values)

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: withApiKey(options.headers ?? {}) })
  if (response.status === 401) throw new AuthError('HTTP 401')
  const body = await response.json().catch(() => ({}))
  if (!response.ok) {
    throw Object.assign(new Error(body.message ?? `HTTP ${response.status}`), { status: response.status })
  }
  return body
}

function message(id, text, kind = 'ok') {
  const el = $(id)
  el.textContent = text
  el.dataset.kind = kind
  el.hidden = false
}

function refusal(err) {
  return err.status === 403 ? t('forbidden', { message: err.message }) : t('failed', { message: err.message })
}

// ---------- the form ----------

async function zonesFor(facilityId) {
  if (!zonesOf.has(facilityId)) {
    zonesOf.set(facilityId, (await api(`/api/v1/facilities/${encodeURIComponent(facilityId)}/zones`)).items)
  }
  return zonesOf.get(facilityId)
}

function input(name, attributes = {}) {
  const el = element('input')
  el.name = name
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value)
  return el
}

function factorSelect() {
  const select = element('select')
  select.name = 'factor'
  for (const factor of monitoringFactorIds()) {
    const option = element('option', undefined, tr.factorLabel(factor, factor))
    option.value = factor
    select.append(option)
  }
  return select
}

/** A line's controls by the column headings, for a screen reader, in the page's language. */
const COLUMN_KEYS = ['zone', 'position', 'factor', 'samples', 'overLimit', 'values', 'unit']

function labelRow(row) {
  for (const [i, control] of [...row.querySelectorAll('input, select')].entries()) {
    control.setAttribute('aria-label', t(COLUMN_KEYS[i]))
  }
}

async function addMeasurement() {
  const zones = await zonesFor($('facility').value)
  const row = element('tr')
  const zone = element('select')
  zone.name = 'zoneId'
  for (const z of zones) {
    const option = element('option', undefined, `${z.name} (${z.id})`)
    option.value = z.id
    zone.append(option)
  }
  const remove = element('button', 'csv-button', t('remove'))
  remove.type = 'button'
  remove.addEventListener('click', () => row.remove())
  const cells = [
    zone,
    input('position', { maxlength: '200' }),
    factorSelect(),
    input('samples', { type: 'number', min: '0', max: '100000', required: '' }),
    input('samplesOverLimit', { type: 'number', min: '0', max: '100000', required: '' }),
    input('values', { inputmode: 'decimal', placeholder: '84.5;88' }),
    input('unit', { maxlength: '20' }),
    remove,
  ]
  for (const cell of cells) {
    const td = element('td')
    td.append(cell)
    row.append(td)
  }
  $('measurements').append(row)
  labelRow(row)
  if (zones.length === 0) message('form-message', t('noZones'), 'error')
}

function measurementsOf() {
  return [...$('measurements').querySelectorAll('tr')].map((row) => {
    const value = (name) => row.querySelector(`[name="${name}"]`).value.trim()
    const values = value('values')
      .split(';')
      .map((v) => v.trim())
      .filter(Boolean)
      .map(Number)
    return {
      zoneId: value('zoneId'),
      ...(value('position') ? { position: value('position') } : {}),
      factor: value('factor'),
      samples: Number(value('samples')),
      samplesOverLimit: Number(value('samplesOverLimit')),
      ...(values.length > 0 ? { values } : {}),
      ...(value('unit') ? { unit: value('unit') } : {}),
    }
  })
}

async function record(event) {
  event.preventDefault()
  const body = {
    facilityId: $('facility').value,
    startedOn: $('started-on').value,
    endedOn: $('ended-on').value,
    declaration: {
      reference: $('declaration-reference').value.trim(),
      publishedBy: $('declaration-by').value.trim(),
      ...($('declaration-on').value ? { publishedOn: $('declaration-on').value } : {}),
    },
    measurements: measurementsOf(),
    ...($('campaign-id').value.trim() ? { id: $('campaign-id').value.trim() } : {}),
  }
  try {
    const created = await api('/api/v1/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    message('form-message', t('recorded', { id: created.id, count: created.measurements.length }))
    $('measurements').replaceChildren()
    $('campaign-id').value = ''
    await addMeasurement()
    await loadList()
  } catch (err) {
    if (err instanceof AuthError) return askForKey(() => record(event))
    message('form-message', refusal(err), 'error')
  }
}

async function importCsv(event) {
  event.preventDefault()
  const file = $('csv-file').files[0]
  if (file === undefined) return
  try {
    const result = await api('/api/v1/campaigns/import', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: await file.text(),
    })
    message('import-message', t('imported', result))
    await loadList()
  } catch (err) {
    if (err instanceof AuthError) return askForKey(() => importCsv(event))
    message('import-message', refusal(err), 'error')
  }
}

// ---------- the list ----------

let campaigns = []

function renderList() {
  const count = $('campaign-count')
  count.textContent = String(campaigns.length)
  count.dataset.count = String(campaigns.length)
  const name = new Map(facilities.map((f) => [f.id, f.name]))
  table(
    'campaigns-table',
    [
      t('col.id'),
      t('col.facility'),
      t('col.organisation'),
      t('col.dates'),
      t('col.declaration'),
      t('col.samples'),
      t('col.recordedBy'),
    ],
    campaigns.map((c) => {
      const samples = c.measurements.reduce((n, m) => n + m.samples, 0)
      const over = c.measurements.reduce((n, m) => n + m.samplesOverLimit, 0)
      return [
        c.id,
        `${name.get(c.facilityId) ?? c.facilityId} (${c.facilityId})`,
        c.organisationId,
        `${tr.date(c.startedOn)} – ${tr.date(c.endedOn)}`,
        `${c.declaration.reference}, ${c.declaration.publishedBy}`,
        `${tr.number(samples, 0)} / ${tr.number(over, 0)}`,
        c.recordedBy,
      ]
    }),
    t('noCampaigns'),
  )
}

async function loadList() {
  campaigns = (await api('/api/v1/campaigns?limit=200')).items
  renderList()
}

// ---------- start ----------

function applyStaticTexts() {
  document.documentElement.lang = tr.language
  document.title = `quantrac — ${t('pageTitle')}`
  for (const el of all('[data-i18n]')) el.textContent = tr.t(el.dataset.i18n)
  for (const button of all('[data-language]')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === tr.language))
  }
}

async function load() {
  try {
    const [page] = await Promise.all([api('/api/v1/facilities?limit=500'), loadFactorCatalogue(api)])
    facilities = page.items
    const select = $('facility')
    select.replaceChildren(
      ...facilities.map((f) => {
        const option = element('option', undefined, `${f.name} (${f.id}) · ${f.province}`)
        option.value = f.id
        return option
      }),
    )
    $('measurements').replaceChildren()
    if (facilities.length > 0) await addMeasurement()
    await loadList()
    $('banner').hidden = true
  } catch (err) {
    if (err instanceof AuthError) return askForKey(load)
    $('banner').textContent = refusal(err)
    $('banner').hidden = false
  }
}

function start() {
  $('campaign-form').addEventListener('submit', (event) => void record(event))
  $('import-form').addEventListener('submit', (event) => void importCsv(event))
  $('add-measurement').addEventListener('click', () => void addMeasurement())
  $('facility').addEventListener('change', () => {
    $('measurements').replaceChildren()
    void addMeasurement()
  })
  for (const button of all('[data-language]')) {
    button.addEventListener('click', () => {
      saveLanguage(button.dataset.language)
      tr = createTranslator(button.dataset.language)
      applyStaticTexts()
      for (const row of $('measurements').querySelectorAll('tr')) labelRow(row)
      renderList()
    })
  }
  bindSignIn({ refused: () => tr.t('keyRefused'), onSignedOut: () => askForKey(load) })
  applyStaticTexts()
  void load()
}

start()
