// @ts-check
// The regulator's page: the coverage report of GET /api/v1/reports/coverage — monitored facilities against
// the +5 %-a-year target of Directive 31-CT/TW, by province and sector, what counted each facility (sensors,
// campaigns), the facilities that fall short and why, TWA/STEL exceedances and the workers to examine — with
// each table as CSV; for one province, the provincial report's monitoring tables (provincial.js). Same
// sign-in (the API key kept in this browser) and languages as the live page; its labels are report.* in i18n.js.

import { $, all, element, saveDownload, table } from './dom.js'
import { loadFactorCatalogue } from './factors.js'
import { createTranslator, initialLanguage, saveLanguage } from './i18n.js'
import { loadProvincial, renderProvincial } from './provincial.js'
import { drawComparison, drawTrend } from './report-charts.js'
import { AuthError, askForKey as askForKeyThen, bindSignIn, withApiKey } from './sign-in.js'

const REPORT_PATH = '/api/v1/reports/coverage'
const PROVINCES_PATH = '/api/v1/provinces'

let tr = createTranslator(initialLanguage())
let report
/** The yearly reports of the trend chart, oldest first: `{ year, report }`. */
let trend = []
/** Bumped by every load, so the trend of a previous choice arriving late is dropped. */
let loads = 0
/** The 34 current units, code → name, from GET /api/v1/provinces. */
let provinces
const known = { sector: new Set() }

/** The report's own labels (report.* in i18n.js). */
const t = (key, values = {}) => tr.t(`report.${key}`, values)

const percent = (share) => `${tr.number(share * 100, 1)} %`
const signedPercent = (value) => `${value > 0 ? '+' : ''}${tr.number(value, 1)} %`
const sectorLabel = (sector) => tr.sectorLabel(sector)
const dateOf = (iso) => new Date(iso).toLocaleDateString(tr.locale, { timeZone: 'Asia/Ho_Chi_Minh' })

// ---------- API ----------

class ForbiddenError extends Error {}

function reportUrl(extra = {}) {
  const params = new URLSearchParams()
  const form = new FormData($('report-form'))
  for (const [name, value] of form) if (value !== '') params.set(name, String(value).trim())
  for (const [name, value] of Object.entries(extra)) params.set(name, value)
  return `${REPORT_PATH}?${params}`
}

async function fetchReport(url, accept) {
  const response = await fetch(url, { headers: withApiKey({ accept }) })
  if (response.status === 401) throw new AuthError('HTTP 401')
  if (response.status === 403) throw new ForbiddenError('HTTP 403')
  if (!response.ok) {
    const body = await response.json().catch(() => ({}))
    throw new Error(body.message ?? `HTTP ${response.status}`)
  }
  return response
}

// ---------- loading ----------

/** A period as core/coverage/period.ts reads it: a year, half-year, quarter or month of 2000–2100. */
const PERIOD_PATTERN = /^(\d{4})(?:-(?:H[12]|Q[1-4]|(?:0[1-9]|1[0-2])))?$/
const TREND_YEARS = 5

/** Says in the page's language what is wrong with the period, or nothing when it reads. */
function periodProblem(value) {
  if (value === '') return t('periodMissing')
  const year = Number(PERIOD_PATTERN.exec(value)?.[1])
  if (!(year >= 2000 && year <= 2100)) return t('periodInvalid', { value })
  return undefined
}

function checkPeriod() {
  const input = $('period')
  const problem = periodProblem(input.value.trim())
  const error = $('period-error')
  error.textContent = problem ?? ''
  error.hidden = problem === undefined
  input.setAttribute('aria-invalid', String(problem !== undefined))
  return problem === undefined
}

/** The coverage reports of the five years up to the period's, with the same province and sector. */
async function loadTrend(generation) {
  const last = Math.min(Number($('period').value.trim().slice(0, 4)), new Date().getFullYear())
  const years = []
  for (let year = Math.max(2000, last - TREND_YEARS + 1); year <= last; year++) years.push(year)
  const reports = await Promise.all(
    years.map(async (year) =>
      (await fetchReport(reportUrl({ period: String(year) }), 'application/json')).json(),
    ),
  )
  if (generation !== loads) return
  trend = years.map((year, i) => ({ year, report: reports[i] }))
  renderTrend()
}

async function load() {
  if (!checkPeriod()) {
    $('period').focus()
    return
  }
  const generation = ++loads
  trend = []
  const url = reportUrl()
  history.replaceState(null, '', `#${url.split('?')[1]}`)
  showBanner(t('loading'))
  try {
    if (provinces === undefined) {
      const { items } = await (await fetchReport(PROVINCES_PATH, 'application/json')).json()
      provinces = new Map(items.map((p) => [p.code, p.name]))
    }
    // Factor names in the tables come with the factor catalogue.
    await loadFactorCatalogue(async (path) => (await fetchReport(path, 'application/json')).json())
    report = await (await fetchReport(url, 'application/json')).json()
  } catch (err) {
    if (err instanceof AuthError) return askForKey(load)
    showBanner(err instanceof ForbiddenError ? t('forbidden') : `${t('loadFailed')} ${err.message}`)
    return
  }
  hideBanner()
  for (const row of report.bySector) known.sector.add(row.name)
  render()
  loadTrend(generation).catch((err) => {
    if (!(err instanceof AuthError)) showBanner(`${t('loadFailed')} ${err.message}`)
  })
  const province = $('province').value
  void loadProvincial({
    period: $('period').value.trim(),
    province,
    tr,
    fetchReport,
    showBanner,
    askForKey,
  })
}

async function downloadCsv(table) {
  try {
    const response = await fetchReport(reportUrl({ format: 'csv', table }), 'text/csv')
    await saveDownload(response, `coverage-${table}.csv`)
  } catch (err) {
    if (err instanceof AuthError) return askForKey(() => downloadCsv(table))
    showBanner(err instanceof ForbiddenError ? t('forbidden') : `${t('loadFailed')} ${err.message}`)
  }
}

// ---------- rendering ----------

function render() {
  applyStaticTexts()
  if (report === undefined) return
  for (const section of all('.report-section, .report-summary')) section.hidden = false
  renderProvinceOptions()
  renderOptions('sector', sectorLabel)
  renderSummary()
  renderTallies('provinces-table', report.byProvince, 'province', (v) => v)
  renderTallies('sectors-table', report.bySector, 'sector', sectorLabel)
  renderComparison('provinces-chart', report.byProvince, 'province', (v) => v)
  renderComparison('sectors-chart', report.bySector, 'sector', sectorLabel)
  renderTrend()
  renderFacilities()
  renderShortfalls()
  renderExceedances()
  renderExposed()
  renderProvincial({ tr })
}

function options(select, entries, current) {
  const all = element('option', undefined, t('all'))
  all.value = ''
  select.replaceChildren(
    all,
    ...entries.map(([value, label]) => {
      const option = element('option', undefined, label)
      option.value = value
      return option
    }),
  )
  select.value = current
}

function renderProvinceOptions() {
  const select = $('province')
  const current = select.value || report.provinceCode || select.dataset.wanted || ''
  const entries = [...(provinces ?? new Map())].sort((a, b) => a[1].localeCompare(b[1], 'vi'))
  options(select, entries, current)
}

function renderOptions(name, label) {
  const select = $(name)
  const current = select.value || report[name] || ''
  const values = [...known[name]].sort((a, b) => label(a).localeCompare(label(b), tr.locale))
  options(
    select,
    values.map((value) => [value, label(value)]),
    current,
  )
}

function growthText(row) {
  return row.growthPercent === null ? t('noGrowth') : signedPercent(row.growthPercent)
}

function renderSummary() {
  $('card-hazardous').textContent = tr.number(report.hazardousFacilities, 0)
  $('card-monitored').textContent =
    `${tr.number(report.monitoredFacilities, 0)} · ${percent(report.monitoredShare)}`
  $('card-previous-label').textContent = t('previous', { period: report.previousPeriod.period })
  $('card-previous').textContent = tr.number(report.previousPeriod.monitoredFacilities, 0)
  $('card-growth').textContent = growthText(report)
  const verdictKey =
    report.verdict === 'on-track' && report.growthPercent === null
      ? 'verdict.on-track-from-zero'
      : `verdict.${report.verdict}`
  const verdict = $('verdict')
  verdict.dataset.verdict = report.verdict
  verdict.textContent = t(verdictKey, {
    growth: growthText(report),
    previous: report.previousPeriod.period,
    target: `${tr.number(report.targetPercent, 2)} %`,
    needed: report.facilitiesNeededForTarget,
  })
  const notes = [
    t('definition', {
      coverage: percent(report.rules.minCoverage),
      shiftHours: report.rules.shiftHours,
      annual: `${tr.number(report.rules.annualTargetPercent, 1)} %`,
    }),
  ]
  if (!report.complete) notes.push(t('running', { time: tr.time(report.evaluatedUntil) }))
  $('definition').textContent = notes.join(' ')
  const sources = [t('sources', report.monitoredBySource)]
  if (report.facilitiesRegisteredLater > 0) {
    sources.push(t('registeredLater', { count: report.facilitiesRegisteredLater }))
  }
  $('sources-note').textContent = sources.join(' ')
}

function sourceBadges(sources) {
  const box = element('span', 'source-badges')
  for (const source of sources) {
    const badge = element('span', 'source-badge', t(`source.${source}`))
    badge.dataset.source = source
    box.append(badge)
  }
  return box
}

function renderFacilities() {
  table(
    'facilities-table',
    [t('col.facility'), t('col.name.province'), t('col.monitored'), t('col.counted'), t('col.factors')],
    report.facilities.map((f) => [
      `${f.name} (${f.facilityId})`,
      f.province,
      f.monitored ? t('yes') : t('no'),
      sourceBadges(f.sources),
      f.factors
        .map((x) => {
          const by = x.sources.map((source) => t(`source.${source}`)).join(', ')
          return `${tr.factorLabel(x.factor, x.factor)}${by ? `: ${by}` : ' —'}`
        })
        .join('; '),
    ]),
    '—',
  )
}

function renderExposed() {
  $('card-exposed').textContent = tr.number(report.exposedWorkers, 0)
  table(
    'exposed-factors-table',
    [t('col.factor'), t('col.toExamine'), t('col.facilities')],
    report.exposedWorkersByFactor.map((row) => [
      tr.factorLabel(row.factor, row.factor),
      tr.number(row.exposedWorkers, 0),
      tr.number(row.facilities, 0),
    ]),
    t('noExposed'),
  )
  table(
    'exposed-table',
    [t('col.facility'), t('col.name.province'), t('col.workers'), t('col.toExamine'), t('col.zones')],
    report.exposedFacilities.map((f) => {
      const list = element('ul', 'reason-list')
      for (const zone of f.zones) {
        const workers = zone.workers === undefined ? t('workersUnknown') : tr.number(zone.workers, 0)
        const factors = zone.factors.map((factor) => tr.factorLabel(factor, factor)).join(', ')
        list.append(element('li', undefined, t('zoneWorkers', { zone: zone.name, workers, factors })))
      }
      for (const u of f.unattributed) {
        const factor = tr.factorLabel(u.factor, u.factor)
        list.append(element('li', undefined, t('unattributed', { factor, evidence: u.evidence.join(', ') })))
      }
      return [
        `${f.name} (${f.facilityId})`,
        f.province,
        tr.number(f.workers, 0),
        `${tr.number(f.exposedWorkers, 0)}${f.workersUnknown ? ' +' : ''}`,
        list,
      ]
    }),
    t('noExposed'),
  )
}

function renderTallies(id, rows, kind, label) {
  table(
    id,
    [
      t(`col.name.${kind}`),
      t('col.status'),
      t('col.hazardous'),
      t('col.monitored'),
      t('col.share'),
      t('col.previous'),
      t('col.growth'),
      t('col.needed'),
    ],
    rows.map((row) => {
      const status = element('span', 'verdict-badge', t(`status.${row.verdict}`))
      status.dataset.verdict = row.verdict
      return [
        label(row.name),
        status,
        tr.number(row.hazardousFacilities, 0),
        tr.number(row.monitoredFacilities, 0),
        percent(row.monitoredShare),
        tr.number(row.previousMonitoredFacilities, 0),
        row.growthPercent === null ? '—' : signedPercent(row.growthPercent),
        tr.number(row.facilitiesNeededForTarget, 0),
      ]
    }),
    '—',
  )
}

/** Bars of hazardous and monitored facilities per province or sector, described in words for a screen reader. */
function renderComparison(id, rows, kind, label) {
  const container = $(id)
  container.hidden = rows.length === 0
  if (rows.length === 0) return
  const named = rows.map((row) => ({
    name: label(row.name),
    hazardous: row.hazardousFacilities,
    monitored: row.monitoredFacilities,
  }))
  const described = named.map((row) =>
    t('chartRow', {
      name: row.name,
      monitored: tr.number(row.monitored, 0),
      hazardous: tr.number(row.hazardous, 0),
    }),
  )
  container.setAttribute(
    'aria-label',
    t('comparisonAlt', { kind: t(`col.name.${kind}`), rows: described.join('; ') }),
  )
  drawComparison(
    container,
    named,
    { hazardous: t('col.hazardous'), monitored: t('col.monitored') },
    tr.number,
  )
}

/** The yearly trend against the target path: a chart, the same figures as a table, and a summary in words. */
function renderTrend() {
  $('trend-section').hidden = trend.length === 0
  if (trend.length === 0) return
  const points = trend.map(({ year, report: r }) => ({
    year,
    hazardous: r.hazardousFacilities,
    monitored: r.monitoredFacilities,
    target: r.hazardousFacilities === 0 ? null : r.requiredFacilities,
  }))
  $('trend-help').textContent = t('trendHelp', {
    annual: `${tr.number(trend[0].report.rules.annualTargetPercent, 1)} %`,
  })
  const chart = $('trend-chart')
  chart.setAttribute(
    'aria-label',
    t('trendAlt', {
      points: points
        .map((p) =>
          t('trendPoint', {
            year: p.year,
            monitored: tr.number(p.monitored, 0),
            hazardous: tr.number(p.hazardous, 0),
            target: p.target === null ? '—' : tr.number(p.target, 0),
          }),
        )
        .join('; '),
    }),
  )
  drawTrend(
    chart,
    points,
    { hazardous: t('col.hazardous'), monitored: t('col.monitored'), target: t('col.target') },
    tr.number,
  )
  table(
    'trend-table',
    [t('col.year'), t('col.hazardous'), t('col.monitored'), t('col.target'), t('col.status')],
    trend.map(({ year, report: r }, i) => {
      const status = element('span', 'verdict-badge', t(`status.${r.verdict}`))
      status.dataset.verdict = r.verdict
      return [
        String(year),
        tr.number(points[i].hazardous, 0),
        `${tr.number(points[i].monitored, 0)} · ${percent(r.monitoredShare)}`,
        points[i].target === null ? '—' : tr.number(points[i].target, 0),
        status,
      ]
    }),
    '—',
  )
}

function reasonText(reason) {
  return t(`reason.${reason.code}`, {
    factor: tr.factorLabel(reason.factor, reason.factor),
    sensors: reason.sensorIds.join(', '),
    coverage: reason.coverage === undefined ? '' : percent(reason.coverage),
    required: reason.required === undefined ? '' : percent(reason.required),
    date: reason.calibrationDue === undefined ? '' : dateOf(reason.calibrationDue),
    campaigns: (reason.campaignIds ?? []).join(', '),
  })
}

function renderShortfalls() {
  const count = $('shortfall-count')
  count.textContent = String(report.shortfalls.length)
  count.dataset.count = String(report.shortfalls.length)
  table(
    'shortfalls-table',
    [t('col.facility'), t('col.name.province'), t('col.name.sector'), t('col.reasons')],
    report.shortfalls.map((s) => {
      const list = element('ul', 'reason-list')
      for (const reason of s.reasons) {
        const item = element('li', undefined, reasonText(reason))
        item.dataset.code = reason.code
        list.append(item)
      }
      return [`${s.name} (${s.facilityId})`, s.province, sectorLabel(s.sector), list]
    }),
    t('noShortfalls'),
  )
}

function renderExceedances() {
  table(
    'exceedances-table',
    [t('col.factor'), t('col.facilities'), t('col.twa'), t('col.stel')],
    report.exceedances.map((e) => [
      tr.factorLabel(e.factor, e.factor),
      tr.number(e.facilities, 0),
      tr.number(e.twaAlerts, 0),
      tr.number(e.stelAlerts, 0),
    ]),
    t('noExceedances'),
  )
}

function applyStaticTexts() {
  document.documentElement.lang = tr.language
  document.title = `quantrac — ${t('reportTitle')}`
  for (const el of all('[data-i18n]')) el.textContent = tr.t(el.dataset.i18n)
  for (const button of all('[data-language]')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === tr.language))
  }
}

function showBanner(text) {
  $('banner').textContent = text
  $('banner').hidden = false
}

function hideBanner() {
  $('banner').hidden = true
}

// ---------- API key ----------

function askForKey(next) {
  hideBanner()
  askForKeyThen(next)
}

// ---------- start ----------

function start() {
  const params = new URLSearchParams(location.hash.slice(1))
  $('period').value = params.get('period') ?? String(new Date().getFullYear() - 1)
  // The province list arrives with the first report; until then the wanted code waits on the select.
  const province = params.get('province')
  if (province) {
    $('province').dataset.wanted = province
    const option = element('option', undefined, province)
    option.value = province
    $('province').append(option)
    $('province').value = province
  }
  const sector = params.get('sector')
  if (sector) {
    known.sector.add(sector)
    const option = element('option', undefined, sector)
    option.value = sector
    $('sector').append(option)
    $('sector').value = sector
  }
  $('period').addEventListener('input', () => {
    if ($('period').getAttribute('aria-invalid') === 'true') checkPeriod()
  })
  $('report-form').addEventListener('submit', (event) => {
    event.preventDefault()
    void load()
  })
  for (const button of all('.csv-button:not([data-provincial])')) {
    button.addEventListener('click', () => void downloadCsv(button.dataset.table))
  }
  for (const button of all('[data-language]')) {
    button.addEventListener('click', () => {
      saveLanguage(button.dataset.language)
      tr = createTranslator(button.dataset.language)
      render()
    })
  }
  bindSignIn({ refused: () => tr.t('keyRefused'), onSignedOut: () => askForKey(load) })
  applyStaticTexts()
  void load()
}

start()
