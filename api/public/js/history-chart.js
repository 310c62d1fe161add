// @ts-check
// A tile's history: min, mean and max per interval from GET /api/v1/sensors/{id}/readings over a range (1 h,
// the shift, 24 h, 7 days or one the person picks), drawn with uPlot with the profile's limits as dashed lines
// and the alerts of the range as marks at their opening; a CSV of the same series. Opened from a tile.

import uPlot from '/vendor/uPlot.esm.js'
import { getJson } from './api-client.js'
import { $, all, element, saveDownload } from './dom.js'
import { factorLabel, formatValue, unitOf } from './format.js'
import { intervalFor } from './history-interval.js'
import { state, tileLimits, view } from './live-state.js'
import { withApiKey } from './sign-in.js'

const HOUR = 3_600_000
/** Alerts listed under the chart, newest first; the chart marks every one, the alert history has them all. */
const ALERTS_LISTED = 12
/** Limits drawn as lines, in the order the legend lists them. */
const LINE_KINDS = ['idlh', 'ceiling', 'stel', 'twa', 'hourMean', 'floor']
const LIMIT_COLOURS = {
  idlh: '#7a0019',
  ceiling: '#b42318',
  stel: '#c2410c',
  twa: '#b45309',
  hourMean: '#b42318',
  floor: '#1d4ed8',
}
const LEVEL_COLOURS = { warning: '#b45309', alarm: '#b42318', critical: '#7a0019' }

/** What the dialog shows: the tile, the range asked for and the answers drawn. */
const shown = { tile: undefined, range: '1h', from: 0, to: 0, interval: '30s', chart: undefined }

/** [from, to) of a named range ending now; the shift's start comes from the shift report's window. */
async function rangeOf(range, tile) {
  const now = Date.now()
  if (range === '24h') return [now - 24 * HOUR, now]
  if (range === '7d') return [now - 7 * 24 * HOUR, now]
  if (range === 'shift') {
    const known = tile.exposure?.shiftStart
    if (known !== undefined) return [Date.parse(known), now]
    const report = await getJson(`/api/v1/exposures/shift?facility=${encodeURIComponent(state.facility.id)}`)
    return [Date.parse(report.shift.start), now]
  }
  if (range === 'custom') {
    const from = Date.parse($('history-from').value)
    const to = Date.parse($('history-to').value)
    return [from, to]
  }
  return [now - HOUR, now]
}

/** `yyyy-mm-ddThh:mm` of the browser's local time, for a datetime-local input. */
function localInput(time) {
  const d = new Date(time - new Date(time).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

export function openHistory(tile) {
  shown.tile = tile
  const dialog = $('history-dialog')
  $('history-title').textContent = view.tr.t('history.title', {
    factor: factorLabel(tile.factor),
    sensor: tile.sensorId,
  })
  const now = Date.now()
  $('history-from').value = localInput(now - 24 * HOUR)
  $('history-to').value = localInput(now)
  $('history-from').max = localInput(now)
  $('history-to').max = localInput(now + HOUR)
  if (!dialog.open) dialog.showModal()
  void showRange('1h')
}

async function showRange(range) {
  const tile = shown.tile
  shown.range = range
  for (const button of all('[data-range]', $('history-dialog')))
    button.setAttribute('aria-pressed', String(button.dataset.range === range))
  $('history-custom').hidden = range !== 'custom'
  const error = $('history-error')
  error.hidden = true
  let from
  let to
  try {
    ;[from, to] = await rangeOf(range, tile)
  } catch (err) {
    console.error(err)
    return showError(view.tr.t('history.loadFailed'))
  }
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
    return showError(view.tr.t('history.badRange'))
  }
  const interval = intervalFor(to - from)
  Object.assign(shown, { from, to, interval: interval.name })
  $('history-status').textContent = view.tr.t('loading')
  const sensor = encodeURIComponent(tile.sensorId)
  const factor = encodeURIComponent(tile.factor)
  let series
  let alerts
  try {
    ;[series, alerts] = await Promise.all([
      getJson(
        `/api/v1/sensors/${sensor}/readings?factor=${factor}&from=${from}&to=${to}&interval=${interval.name}`,
      ),
      getJson(`/api/v1/alerts?sensor=${sensor}&factor=${factor}&from=${from}&to=${to}&limit=500`),
    ])
  } catch (err) {
    console.error(err)
    return showError(view.tr.t('history.loadFailed'))
  }
  if (shown.tile !== tile || shown.range !== range) return
  draw(tile, series, alerts.items, from, to)
}

function showError(text) {
  $('history-error').textContent = text
  $('history-error').hidden = false
  $('history-status').textContent = ''
}

/** The limits worth a line: every one of the profile's for the tile, with its label. */
function limitLines(tile) {
  const limits = tileLimits(tile)
  if (limits === undefined) return []
  return LINE_KINDS.filter((kind) => limits[kind] !== undefined).map((kind) => ({
    kind,
    value: limits[kind].value,
    label: view.tr.t(`limit.${kind}`),
    source: limits[kind].source,
  }))
}

function draw(tile, series, alerts, from, to) {
  const unit = unitOf(tile.factor)
  const points = series.points
  const xs = points.map((p) => Date.parse(p.time) / 1000)
  const mins = points.map((p) => p.min)
  // Noise comes with its equal-energy mean (LAeq): the level that carries the same sound energy.
  const energy = points.length > 0 && points.every((p) => p.laeq !== undefined)
  const means = points.map((p) => (energy ? p.laeq : p.mean))
  const maxs = points.map((p) => p.max)
  const lines = limitLines(tile)
  const dataMax = Math.max(...maxs, Number.NEGATIVE_INFINITY)
  const dataMin = Math.min(...mins, Number.POSITIVE_INFINITY)
  // A limit far above the data (an IDLH of 1200 ppm over readings of 10) would flatten the line: such a limit
  // is named under the chart instead of drawn.
  const reach = Number.isFinite(dataMax) ? Math.max(dataMax * 2, dataMax + 1) : Number.POSITIVE_INFINITY
  const drawn = lines.filter((line) => line.value <= reach)
  const yMax = Math.max(dataMax, ...drawn.map((l) => l.value))
  const yMin = Math.min(dataMin, ...drawn.map((l) => l.value))
  const container = $('history-chart')
  shown.chart?.destroy()
  container.replaceChildren()
  const tr = view.tr
  const axisTime = new Intl.DateTimeFormat(
    tr.locale,
    to - from > 36 * HOUR
      ? { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }
      : { hour: '2-digit', minute: '2-digit' },
  )
  const width = Math.max(280, Math.min(container.clientWidth || 860, 1100))
  /** @type {import('/vendor/uPlot.esm.js').Options} */
  const options = {
    width,
    height: width < 500 ? 240 : 320,
    scales: {
      x: { time: true, range: () => [from / 1000, to / 1000] },
      y: {
        range: () => {
          if (!Number.isFinite(yMax)) return [0, 1]
          const pad = Math.max((yMax - yMin) * 0.08, 0.5)
          return [yMin - pad, yMax + pad]
        },
      },
    },
    axes: [
      // Dates with times need more room between ticks than times alone, or their labels run together.
      {
        space: to - from > 36 * HOUR ? 110 : 60,
        values: (_u, splits) => splits.map((s) => axisTime.format(new Date(s * 1000))),
      },
      { label: unit, values: (_u, splits) => splits.map((s) => formatValue(s)) },
    ],
    series: [
      { value: (_u, v) => (v === null ? '—' : tr.time(v * 1000)) },
      { label: tr.t('history.min'), stroke: '#6b7f99', width: 1, value: (_u, v) => format(v, unit) },
      {
        label: tr.t(energy ? 'history.laeq' : 'history.mean'),
        stroke: '#0b5cad',
        width: 2,
        value: (_u, v) => format(v, unit),
      },
      { label: tr.t('history.max'), stroke: '#6b7f99', width: 1, value: (_u, v) => format(v, unit) },
    ],
    bands: [{ series: [3, 1], fill: 'rgb(11 92 173 / 12%)' }],
    hooks: { draw: [(u) => drawMarks(u, drawn, alerts)] },
  }
  shown.chart = new uPlot(options, [xs, mins, means, maxs], container)
  container.dataset.points = String(xs.length)
  container.dataset.alerts = String(alerts.length)
  container.dataset.limits = drawn.map((l) => l.kind).join(' ')
  container.setAttribute('role', 'img')
  $('history-status').textContent = ''
  renderSummary(points, unit, lines, drawn, alerts, energy)
  // A screen reader hears the figures the chart draws.
  container.setAttribute('aria-label', $('history-summary').textContent)
}

function format(value, unit) {
  return value === null || value === undefined ? '—' : `${formatValue(value)} ${unit}`
}

/** Limits as dashed horizontal lines with their name; alerts as a line at their opening in their level's colour. */
function drawMarks(u, lines, alerts) {
  const ctx = u.ctx
  const { left, top, width, height } = u.bbox
  ctx.save()
  ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`
  for (const line of lines) {
    const y = Math.round(u.valToPos(line.value, 'y', true))
    ctx.strokeStyle = LIMIT_COLOURS[line.kind]
    ctx.fillStyle = LIMIT_COLOURS[line.kind]
    ctx.lineWidth = devicePixelRatio
    ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio])
    ctx.beginPath()
    ctx.moveTo(left, y)
    ctx.lineTo(left + width, y)
    ctx.stroke()
    // Right-aligned, clear of the y axis's numbers.
    ctx.textAlign = 'right'
    ctx.fillText(line.label, left + width - 4 * devicePixelRatio, y - 3 * devicePixelRatio)
  }
  ctx.setLineDash([])
  for (const alert of alerts) {
    const x = Math.round(u.valToPos(Date.parse(alert.openedAt) / 1000, 'x', true))
    if (x < left || x > left + width) continue
    ctx.strokeStyle = LEVEL_COLOURS[alert.level] ?? '#b45309'
    ctx.fillStyle = ctx.strokeStyle
    ctx.lineWidth = 2 * devicePixelRatio
    ctx.beginPath()
    ctx.moveTo(x, top)
    ctx.lineTo(x, top + height)
    ctx.stroke()
    // A triangle at the top, so a mark reads as an alert and not as data.
    const s = 6 * devicePixelRatio
    ctx.beginPath()
    ctx.moveTo(x - s, top)
    ctx.lineTo(x + s, top)
    ctx.lineTo(x, top + s * 1.5)
    ctx.fill()
  }
  ctx.restore()
}

function renderSummary(points, unit, lines, drawn, alerts, energy) {
  const tr = view.tr
  const summary = $('history-summary')
  summary.replaceChildren()
  const count = points.reduce((sum, p) => sum + p.count, 0)
  if (count === 0) {
    summary.append(element('p', 'empty', tr.t('history.noReadings')))
  } else {
    const min = Math.min(...points.map((p) => p.min))
    const max = Math.max(...points.map((p) => p.max))
    const mean = energy
      ? 10 * Math.log10(points.reduce((sum, p) => sum + p.count * 10 ** (p.laeq / 10), 0) / count)
      : points.reduce((sum, p) => sum + p.mean * p.count, 0) / count
    summary.append(
      element(
        'p',
        'history-figures',
        tr.t(energy ? 'history.figuresLaeq' : 'history.figures', {
          min: format(min, unit),
          mean: format(mean, unit),
          max: format(max, unit),
          count: tr.number(count, 0),
          interval: shown.interval,
        }),
      ),
    )
  }
  const legend = element('ul', 'history-legend')
  for (const line of lines) {
    const item = element(
      'li',
      `history-limit limit-${line.kind}`,
      `${line.label} ${format(line.value, unit)}${drawn.includes(line) ? '' : ` — ${tr.t('history.offChart')}`}`,
    )
    item.title = line.source
    legend.append(item)
  }
  if (lines.length === 0) legend.append(element('li', 'history-limit', tr.t('noLimit')))
  summary.append(legend)
  const list = element('ol', 'history-alerts')
  for (const alert of alerts.slice(0, ALERTS_LISTED)) {
    const item = element(
      'li',
      `history-alert level-${alert.level}`,
      tr.t('history.alertMark', {
        time: tr.time(alert.openedAt),
        level: tr.t(`level.${alert.level}`),
        kind: tr.t(`kind.${alert.kind}`),
        // An alert's value is in its own unit: minutes of silence for an offline sensor.
        value: format(alert.value, alert.unit),
        state: tr.t(`alertHistory.state.${alert.state}`),
      }),
    )
    item.dataset.level = alert.level
    list.append(item)
  }
  if (alerts.length > ALERTS_LISTED)
    list.append(
      element('li', 'history-alert', tr.t('history.moreAlerts', { count: alerts.length - ALERTS_LISTED })),
    )
  if (alerts.length > 0) summary.append(element('h3', 'history-alerts-title', tr.t('history.alerts')), list)
}

async function downloadCsv() {
  const tile = shown.tile
  const url =
    `/api/v1/sensors/${encodeURIComponent(tile.sensorId)}/readings?factor=${encodeURIComponent(tile.factor)}` +
    `&from=${shown.from}&to=${shown.to}&interval=${shown.interval}&format=csv`
  const response = await fetch(url, { headers: withApiKey({ accept: 'text/csv' }) })
  if (!response.ok) return showError(view.tr.t('history.loadFailed'))
  await saveDownload(response, `readings-${tile.sensorId}.csv`)
}

let bound = false

/** Wires the dialog's range buttons, custom range and CSV button once. */
export function bindHistory() {
  if (bound) return
  bound = true
  for (const button of all('[data-range]', $('history-dialog')))
    button.addEventListener('click', () => void showRange(button.dataset.range))
  $('history-apply').addEventListener('click', () => void showRange('custom'))
  $('history-csv').addEventListener('click', () => void downloadCsv())
  $('history-dialog').addEventListener('close', () => {
    shown.chart?.destroy()
    shown.chart = undefined
    shown.tile = undefined
  })
}

/** Redraws an open history in the page's language after a switch. */
export function retranslateHistory() {
  const tile = shown.tile
  if (tile === undefined || !$('history-dialog').open) return
  $('history-title').textContent = view.tr.t('history.title', {
    factor: factorLabel(tile.factor),
    sensor: tile.sensorId,
  })
  void showRange(shown.range)
}
