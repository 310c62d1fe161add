// @ts-check
// A tile per sensor and factor, grouped by zone: value, % of the limit, trend, offline mark and exposure
// figures. `renderTiles` rebuilds the grid from the state; `updateTile` redraws one tile in place.

import { getJson } from './api-client.js'
import { $, element } from './dom.js'
import { renderExposure } from './exposure-figures.js'
import { sensorFactorIds } from './factors.js'
import {
  describeLimits,
  factorLabel,
  formatLimit,
  formatPercent,
  formatValue,
  hasAnyLimit,
  limitSources,
  unitOf,
} from './format.js'
import { assess, assessHourMean } from './gauge.js'
import { openHistory } from './history-chart.js'
import { needsAcknowledgement, state, TREND_SPAN_MS, tileLimits, view } from './live-state.js'
import { openSensorDetail } from './sensor-detail.js'
import { createSparkline, drawSparkline } from './sparkline.js'

/** A sensor that has missed this many of its reporting intervals is offline: the rule ingest alerts on. */
const MISSED_INTERVALS_OFFLINE = 3
const DEFAULT_REPORTING_INTERVAL_S = 60
/** tile key → its DOM elements */
const tileElements = new Map()

export function renderTiles() {
  const container = $('zones')
  tileElements.clear()
  const facility = state.facility
  $('facility-info').textContent = facility
    ? `${facility.name} · ${facility.province} · ${view.tr.sectorLabel(facility.sector)} · ${view.tr.t('profile', { name: state.profileName[view.tr.language] })}`
    : ''
  const byZone = new Map()
  for (const tile of state.tiles.values()) {
    const zone = state.sensors.get(tile.sensorId)?.zone ?? '—'
    if (!byZone.has(zone)) byZone.set(zone, [])
    byZone.get(zone).push(tile)
  }
  const factorOrder = sensorFactorIds()
  const sections = [...byZone.keys()]
    .sort((a, b) => a.localeCompare(b, view.tr.locale))
    .map((zone) => {
      const section = element('section', 'zone')
      section.append(element('h3', 'zone-name', `${view.tr.t('zone')}: ${zone}`))
      const grid = element('div', 'tiles')
      const tiles = byZone
        .get(zone)
        .sort(
          (a, b) =>
            a.sensorId.localeCompare(b.sensorId) ||
            factorOrder.indexOf(a.factor) - factorOrder.indexOf(b.factor),
        )
      for (const tile of tiles) grid.append(buildTile(tile))
      section.append(grid)
      return section
    })
  container.replaceChildren(...sections)
  $('no-sensors').hidden = state.tiles.size > 0
  for (const tile of state.tiles.values()) updateTile(tile)
}

function buildTile(tile) {
  const root = element('article', 'tile')
  root.dataset.sensor = tile.sensorId
  root.dataset.factor = tile.factor
  root.dataset.testid = 'tile'
  const head = element('header', 'tile-head')
  const title = element('h4', 'tile-factor', factorLabel(tile.factor))
  // The sensor's id opens its detail: registry facts and the messages ingest refused from it.
  const sensor = element('button', 'tile-sensor', tile.sensorId)
  sensor.type = 'button'
  sensor.title = view.tr.t('sensorDetails', { id: tile.sensorId })
  sensor.addEventListener('click', () => {
    const registered = state.sensors.get(tile.sensorId)
    if (registered === undefined) return
    // The live feed knows a newer reading than the registry's last-seen time, which is written in batches.
    const seen = Math.max(
      Date.parse(registered.lastSeenAt ?? '') || 0,
      state.lastSeen.get(tile.sensorId) ?? 0,
    )
    const sensor = { ...registered, lastSeenAt: seen > 0 ? seen : undefined }
    void openSensorDetail(sensor, { getJson, tr: view.tr, factorLabel })
  })
  const badge = element('span', 'tile-badge')
  head.append(title, badge, sensor)
  const reading = element('div', 'tile-reading')
  const value = element('span', 'tile-value', '—')
  const unit = element('span', 'tile-unit', unitOf(tile.factor))
  const percent = element('span', 'tile-percent')
  reading.append(value, unit, percent)
  const meter = element('div', 'tile-meter')
  meter.setAttribute('role', 'img')
  const fill = element('div', 'tile-meter-fill')
  meter.append(fill)
  const limit = element('p', 'tile-limit')
  const trend = createSparkline()
  const updated = element('p', 'tile-updated')
  // Why a dust tile has no limit: which dust the sensor measures and what QCVN 02 sets (#19).
  const limitWhy = element('p', 'tile-limit-why')
  limitWhy.hidden = true
  const history = element('button', 'tile-history', view.tr.t('history.open'))
  history.type = 'button'
  history.title = view.tr.t('history.openTitle', { factor: factorLabel(tile.factor), sensor: tile.sensorId })
  history.addEventListener('click', () => openHistory(tile))
  // An estimated WBGT has no readings of its own to chart: only the factors the sensor measures have a history.
  history.hidden = !(state.sensors.get(tile.sensorId)?.factors ?? []).includes(tile.factor)
  const foot = element('div', 'tile-foot')
  foot.append(updated, history)
  // STEL, TWA and noise dose from the exposure engine; hidden until its first figure for this tile arrives.
  const exposure = element('dl', 'tile-exposure')
  exposure.hidden = true
  exposure.dataset.sensor = tile.sensorId
  exposure.dataset.factor = tile.factor
  root.append(head, reading, meter, limit, limitWhy, trend, exposure, foot)
  tileElements.set(tile.key, { root, badge, value, percent, fill, limit, limitWhy, trend, updated, exposure })
  return root
}

export function updateTile(tile) {
  const el = tileElements.get(tile.key)
  if (el === undefined) return
  const now = Date.now()
  const limits = tileLimits(tile)
  const unit = unitOf(tile.factor)
  const lastSeen = state.lastSeen.get(tile.sensorId)
  const intervalS = state.sensors.get(tile.sensorId)?.reportingIntervalS ?? DEFAULT_REPORTING_INTERVAL_S
  const offline = lastSeen === undefined || now - lastSeen > MISSED_INTERVALS_OFFLINE * intervalS * 1000
  const latest = tile.latest
  // Ingest estimates WBGT from temperature and humidity: the tile shows the estimate's 1-h mean, the figure
  // its limit is set on, rather than "—" for want of readings of its own.
  const estimate = latest === undefined && tile.factor === 'wbgt' ? tile.exposure?.hourMean : undefined
  const heat = assessHourMean(estimate, limits)
  const assessment = latest === undefined ? undefined : assess(tile.factor, latest.value, limits)
  const status =
    heat?.status ??
    (latest === undefined
      ? estimate === undefined
        ? 'none'
        : 'unlimited'
      : (assessment?.status ?? 'unlimited'))

  el.root.dataset.status = status
  el.root.dataset.offline = String(offline)
  el.root.dataset.value =
    latest === undefined ? (estimate === undefined ? '' : String(estimate)) : String(latest.value)
  el.root.classList.toggle('has-alert', hasActiveAlert(tile))
  el.value.textContent =
    latest !== undefined ? formatValue(latest.value) : estimate !== undefined ? formatValue(estimate) : '—'
  el.badge.hidden = !(offline && latest !== undefined)
  el.badge.textContent = view.tr.t('offline')
  el.limitWhy.hidden = true
  el.percent.classList.toggle('tile-percent-note', heat !== undefined)

  if (heat !== undefined) {
    const limitText = formatLimit(heat, unit)
    el.percent.textContent = view.tr.t('history.estimatedHourMean')
    el.percent.title = limitText
    el.fill.style.width = heat.status === 'over' ? '100%' : '0%'
    el.fill.parentElement.setAttribute('aria-label', `${formatValue(estimate)} ${unit} · ${limitText}`)
    el.limit.textContent = limitText
    el.limit.title = limitSources(limits)
  } else if (assessment !== undefined) {
    const ofLimit = view.tr.t('ofLimit', {
      percent: formatPercent(assessment.percent),
      limit: formatLimit(assessment, unit),
    })
    el.percent.textContent = formatPercent(assessment.percent)
    el.percent.title = ofLimit
    el.fill.style.width = `${Math.min(assessment.percent, 100)}%`
    el.fill.parentElement.setAttribute('aria-label', ofLimit)
    el.limit.textContent = formatLimit(assessment, unit)
    el.limit.title = limitSources(limits)
  } else {
    el.percent.textContent = ''
    el.fill.style.width = '0%'
    const unlimited = limits === undefined || !hasAnyLimit(limits)
    el.limit.textContent = unlimited ? view.tr.t('noLimit') : describeLimits(limits, unit)
    el.limit.title = limits === undefined ? '' : limitSources(limits)
    if (unlimited && tile.factor.startsWith('dust.')) {
      el.limitWhy.textContent = view.tr.t(`tileLimit.${tile.factor}`)
      el.limitWhy.hidden = false
    }
  }
  renderExposure(el.exposure, tile, limits, unit)
  const drawnLimit = assessment?.kind === 'band' ? undefined : assessment?.limit
  drawSparkline(el.trend, tile.trend, { spanMs: TREND_SPAN_MS, now, limit: drawnLimit })
  // Ingest estimates WBGT from temperature and humidity: such a tile has figures but no readings of its own.
  if (latest === undefined)
    el.updated.textContent = view.tr.t(
      tile.factor === 'wbgt' && tile.exposure !== undefined ? 'wbgtEstimated' : 'noData',
    )
  else if (offline) el.updated.textContent = view.tr.t('offlineSince', { time: view.tr.time(latest.time) })
  else el.updated.textContent = view.tr.t('updated', { time: view.tr.time(latest.time) })
}

function hasActiveAlert(tile) {
  for (const alert of state.alerts.values()) {
    if (alert.sensorId === tile.sensorId && alert.factor === tile.factor && needsAcknowledgement(alert))
      return true
  }
  return false
}

/** Marks sensors offline as time passes without readings. */
export function refreshFreshness() {
  for (const tile of state.tiles.values()) updateTile(tile)
}

/** Marks the tiles of sensors with an alert someone should acknowledge. */
export function markAlertTiles() {
  for (const tile of state.tiles.values())
    tileElements.get(tile.key)?.root.classList.toggle('has-alert', hasActiveAlert(tile))
}
