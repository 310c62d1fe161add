// @ts-check
// The alert history of a facility (/alerts.html): GET /api/v1/alerts with filters (state, level, kind, sensor,
// time), active alerts worst first, each with who acknowledged it and how it ended; the same search as CSV
// through the API's writer. Filters live in the URL hash, so a search can be bookmarked or sent.
import { $, element } from './dom.js'
import { resolutionReasonLabel } from './factors.js'
import {
  applyStaticTexts,
  bindPage,
  cell,
  dateTime,
  download,
  getJson,
  guarded,
  hideBanner,
  inputTime,
  loadFacilities,
  localInput,
  page,
  showBanner,
} from './officer-page.js'

const PAGE_SIZE = 100
const STATES = ['active', 'open', 'acknowledged', 'cleared', 'resolved']
const LEVELS = ['critical', 'alarm', 'warning']
const KINDS = ['ceiling', 'stel', 'twa', 'dose', 'projected', 'heat-stress', 'sensor-offline', 'sensor-fault']
const FILTERS = ['state', 'level', 'kind', 'sensor']

/** The search shown and its answers so far. */
const shown = { query: '', alerts: [], total: 0, sensors: [] }

function options(id, values, label) {
  const current = $(id).value || $(id).dataset.wanted || ''
  $(id).replaceChildren(
    element('option', undefined, page.tr.t('alertHistory.any')),
    ...values.map((value) => {
      const option = element('option', undefined, label(value))
      option.value = value
      return option
    }),
  )
  $(id).firstChild.value = ''
  $(id).value = values.includes(current) ? current : ''
}

function fillFilters() {
  options('state', STATES, (s) => page.tr.t(`alertHistory.state.${s}`))
  options('level', LEVELS, (l) => page.tr.t(`level.${l}`))
  options('kind', KINDS, (k) => page.tr.t(`kind.${k}`))
  options('sensor', shown.sensors, (s) => s)
}

/** The API query of the form: sorted by severity when only active alerts are asked for. */
function queryOfForm() {
  const params = new URLSearchParams({ facility: $('facility').value })
  for (const name of FILTERS) if ($(name).value !== '') params.set(name, $(name).value)
  const from = inputTime('from')
  const to = inputTime('to')
  if (from !== undefined) params.set('from', String(from))
  if (to !== undefined) params.set('to', String(to))
  if (params.get('state') === 'active') params.set('sort', 'severity')
  return params
}

async function search() {
  const from = inputTime('from')
  const to = inputTime('to')
  if (from !== undefined && to !== undefined && from >= to) {
    showBanner(page.tr.t('alertHistory.badRange'))
    return
  }
  const params = queryOfForm()
  history.replaceState(null, '', `#${params}`)
  shown.query = params.toString()
  shown.alerts = []
  await more()
}

async function more() {
  const answer = await getJson(
    `/api/v1/alerts?${shown.query}&limit=${PAGE_SIZE}&offset=${shown.alerts.length}`,
  )
  hideBanner()
  shown.alerts.push(...answer.items)
  shown.total = answer.total
  render()
}

function render() {
  const tr = page.tr
  const sorted = new URLSearchParams(shown.query).get('sort') === 'severity'
  $('result-count').textContent = tr.t('alertHistory.count', {
    shown: shown.alerts.length,
    total: shown.total,
  })
  $('result-sort').textContent = tr.t(sorted ? 'alertHistory.sortedBySeverity' : 'alertHistory.sortedByTime')
  const headers = ['opened', 'level', 'kind', 'where', 'value', 'state', 'acknowledged', 'resolved'].map(
    (c) => tr.t(`alertHistory.col.${c}`),
  )
  const head = element('thead')
  const headRow = element('tr')
  for (const text of headers) headRow.append(element('th', undefined, text))
  head.append(headRow)
  const body = element('tbody')
  for (const alert of shown.alerts) body.append(alertRow(alert, headers))
  if (shown.alerts.length === 0) {
    const empty = element('tr')
    const td = element('td', 'empty-cell', tr.t('alertHistory.none'))
    td.colSpan = headers.length
    empty.append(td)
    body.append(empty)
  }
  $('alert-table').replaceChildren(head, body)
  $('more').hidden = shown.alerts.length >= shown.total
}

function alertRow(alert, headers) {
  const tr = page.tr
  const row = element('tr', `alert-row level-${alert.level}`)
  row.dataset.alertId = alert.id
  row.dataset.level = alert.level
  row.dataset.state = alert.state
  const level = element('span', 'alert-history-level', tr.t(`level.${alert.level}`))
  const value = `${tr.number(alert.value, 2)} · ${tr.number(alert.limit, 2)} ${alert.unit}`
  const acks = element('div')
  for (const ack of alert.acknowledgements) {
    acks.append(
      element(
        'p',
        'alert-ack',
        tr.t('alertHistory.ackLine', {
          by: ack.by.name,
          time: dateTime(ack.at),
          level: tr.t(`level.${ack.level}`),
        }),
      ),
    )
    if (ack.note) acks.append(element('p', 'alert-note', ack.note))
  }
  const ended = element('div')
  if (alert.resolution !== undefined) {
    ended.append(
      element(
        'p',
        'alert-resolution',
        tr.t('alertHistory.resolvedLine', {
          by: alert.resolution.by.name,
          time: dateTime(alert.resolution.at),
          reason: resolutionReasonLabel(tr.language, alert.resolution.reason),
        }),
      ),
    )
    if (alert.resolution.note) ended.append(element('p', 'alert-note', alert.resolution.note))
  }
  if (alert.clearedAt !== undefined) {
    ended.append(
      element('p', undefined, tr.t('alertHistory.clearedLine', { time: dateTime(alert.clearedAt) })),
    )
  }
  const where = element('span', undefined, `${alert.sensorId} · ${tr.factorLabel(alert.factor)}`)
  const time = element('time', undefined, dateTime(alert.openedAt))
  time.dateTime = alert.openedAt
  const state = element('span', 'alert-history-state', tr.t(`alertHistory.state.${alert.state}`))
  state.dataset.state = alert.state
  row.append(
    cell(headers[0], time),
    cell(headers[1], level),
    cell(headers[2], tr.t(`kind.${alert.kind}`)),
    cell(headers[3], where),
    cell(headers[4], value),
    cell(headers[5], state),
    cell(headers[6], acks),
    cell(headers[7], ended),
  )
  return row
}

async function loadSensors() {
  const facility = encodeURIComponent($('facility').value)
  const { items } = await getJson(`/api/v1/facilities/${facility}/sensors?limit=500`)
  shown.sensors = items.map((s) => s.id).sort()
  fillFilters()
}

async function start() {
  const wanted = new URLSearchParams(location.hash.slice(1))
  for (const name of FILTERS) $(name).dataset.wanted = wanted.get(name) ?? ''
  if (!wanted.has('state') && !wanted.has('facility')) $('state').dataset.wanted = 'active'
  for (const name of ['from', 'to']) {
    const time = Number(wanted.get(name))
    if (wanted.has(name) && Number.isFinite(time)) $(name).value = localInput(time)
  }
  await loadFacilities(wanted.get('facility') ?? undefined)
  await loadSensors()
  await search()
}

$('filters').addEventListener('submit', (event) => {
  event.preventDefault()
  void guarded(search, 'alertHistory.loadFailed')
})
$('facility').addEventListener('change', () =>
  guarded(async () => {
    await loadSensors()
    await search()
  }, 'alertHistory.loadFailed'),
)
$('more').addEventListener('click', () => void guarded(more, 'alertHistory.loadFailed'))
$('csv').addEventListener('click', () => {
  const query = queryOfForm()
  query.set('format', 'csv')
  void guarded(() => download(`/api/v1/alerts?${query}`, 'alerts.csv'), 'alertHistory.loadFailed')
})
bindPage(
  () => {
    fillFilters()
    render()
  },
  () => void guarded(start, 'alertHistory.loadFailed'),
)
applyStaticTexts()
void guarded(start, 'alertHistory.loadFailed')
