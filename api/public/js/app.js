// The live page: initial state from the REST API, then live updates from socket.io. Everything the page
// shows lives in `state`; the render functions rebuild the DOM from it, and live events patch one tile or
// the alert list. No framework: the page is small and must load fast on a phone on a factory floor.

import { io } from '/vendor/socket.io.esm.min.js'
import { createAlarmAlerter } from './alarm-alerter.js'
import { assess, digitsFor, statusOf } from './gauge.js'
import { createTranslator, initialLanguage, saveLanguage } from './i18n.js'
import { openSensorDetail } from './sensor-detail.js'
import { AuthError, apiKey, askForKey, bindSignIn, saveApiKey, withApiKey } from './sign-in.js'
import { createSparkline, drawSparkline } from './sparkline.js'
import { verdictBadge } from './verdict-badge.js'

/** A sensor that has missed this many of its reporting intervals is offline: the rule ingest alerts on. */
const MISSED_INTERVALS_OFFLINE = 3
const DEFAULT_REPORTING_INTERVAL_S = 60
/** The time span of the sparklines, and the history fetched to start them. */
const TREND_SPAN_MS = 30 * 60_000
const TREND_INTERVAL = '30s'
const MAX_TREND_POINTS = 600
const LEVEL_RANK = { warning: 1, alarm: 2, critical: 3 }
const RESOLUTION_REASONS = [
  'false-alarm',
  'sensor-fault',
  'ventilation-fixed',
  'ppe-issued',
  'process-stopped',
  'other',
]

const state = {
  facilities: [],
  facility: undefined,
  /** factor → one entry of GET /api/v1/limits, for the facility's profile */
  limits: new Map(),
  /** zone limit variant → (factor → entry), for sensors in a zone with its own limits (an office: 65 dBA) */
  variantLimits: new Map(),
  profileName: '',
  sensors: new Map(),
  /** `${sensorId}|${factor}` → {sensorId, factor, latest?: {value, time}, trend: [{t, v}]} */
  tiles: new Map(),
  /** sensorId → epoch ms of its newest reading */
  lastSeen: new Map(),
  /** alert id → alert, as the API serialises it */
  alerts: new Map(),
  /** Bumped on every facility load, so a slow answer for the previous facility is dropped. */
  generation: 0,
}

let tr = createTranslator(initialLanguage())
const $ = (id) => document.getElementById(id)
/** Sound and a browser notification for a new alarm, once the person turns them on. */
const alarmAlerter = createAlarmAlerter(document.querySelector('.topbar .controls'))
const profileCache = new Map()
/** tile key → its DOM elements */
const tileElements = new Map()

// ---------- REST ----------

async function getJson(path) {
  const response = await fetch(path, { headers: withApiKey({ accept: 'application/json' }) })
  if (response.status === 401) throw new AuthError(`${path}: HTTP 401`)
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
  return response.json()
}

async function loadLimits(profile, variant) {
  const key = `${profile}:${variant ?? ''}`
  let limits = profileCache.get(key)
  if (limits === undefined) {
    const query = variant === undefined ? '' : `&variant=${encodeURIComponent(variant)}`
    limits = getJson(`/api/v1/limits?profile=${encodeURIComponent(profile)}${query}`)
    profileCache.set(key, limits)
    limits.catch(() => profileCache.delete(key))
  }
  return limits
}

function byFactor(limits) {
  return new Map(limits.factors.map((entry) => [entry.factor, entry]))
}

/** The limits a tile is judged by: its zone's variant of the profile, if it has one. */
function tileLimits(tile) {
  const variant = state.sensors.get(tile.sensorId)?.limitVariant
  return (variant && state.variantLimits.get(variant)?.get(tile.factor)) ?? state.limits.get(tile.factor)
}

// ---------- facility ----------

function facilityFromHash() {
  const id = decodeURIComponent(location.hash.slice(1))
  return state.facilities.find((f) => f.id === id)
}

/** `quantrac start` prints a link carrying the demo officer's key: keep the key, drop it from the address bar. */
function takeKeyFromLink() {
  const match = /^#key=(qk_[\w-]+)$/.exec(location.hash)
  if (match === null) return
  saveApiKey(match[1])
  history.replaceState(null, '', location.pathname)
}

async function start() {
  takeKeyFromLink()
  applyStaticTexts()
  bindControls()
  try {
    const page = await getJson('/api/v1/facilities?limit=500')
    state.facilities = page.items
  } catch (err) {
    if (err instanceof AuthError) return askForKey(start)
    showBanner(tr.t('loadFailed'))
    console.error(err)
    setTimeout(start, 5000)
    return
  }
  hideBanner()
  renderFacilityPicker()
  if (state.facilities.length === 0) {
    showBanner(tr.t('noFacilities'))
    return
  }
  if (socket === undefined) {
    connectSocket()
    setInterval(refreshFreshness, 5000)
  }
  await selectFacility((facilityFromHash() ?? state.facilities[0]).id)
}

async function selectFacility(facilityId) {
  const previous = state.facility?.id
  const facility = state.facilities.find((f) => f.id === facilityId)
  if (facility === undefined) return
  state.facility = facility
  if (location.hash !== `#${facility.id}`)
    history.replaceState(null, '', `#${encodeURIComponent(facility.id)}`)
  $('facility').value = facility.id
  if (previous !== undefined && previous !== facility.id) socket?.emit('leave', previous)
  joinRoom()
  await loadFacility()
}

async function loadFacility() {
  const facility = state.facility
  const generation = ++state.generation
  const id = encodeURIComponent(facility.id)
  let answers
  try {
    answers = await Promise.all([
      getJson(`/api/v1/facilities/${id}/sensors?limit=500`),
      getJson(`/api/v1/readings/latest?facility=${id}`),
      getJson(`/api/v1/alerts?facility=${id}&state=active&limit=500`),
      loadLimits(facility.profile),
      // An API without the exposure engine still serves the rest of the page.
      getJson(`/api/v1/exposures/latest?facility=${id}`).catch(() => ({ items: [] })),
    ])
  } catch (err) {
    if (generation !== state.generation) return
    if (err instanceof AuthError) return askForKey(loadFacility)
    console.error(err)
    showBanner(tr.t('loadFailed'))
    setTimeout(() => generation === state.generation && loadFacility(), 5000)
    return
  }
  if (generation !== state.generation) return
  hideBanner()
  const [sensors, latest, alerts, limits, exposures] = answers
  const variants = [...new Set(sensors.items.map((s) => s.limitVariant).filter(Boolean))]
  let variantLimits
  try {
    variantLimits = await Promise.all(variants.map((variant) => loadLimits(facility.profile, variant)))
  } catch (err) {
    console.error(err)
    showBanner(tr.t('loadFailed'))
    return
  }
  if (generation !== state.generation) return
  state.limits = byFactor(limits)
  state.variantLimits = new Map(variants.map((variant, i) => [variant, byFactor(variantLimits[i])]))
  state.profileName = limits.name
  state.sensors = new Map(sensors.items.map((s) => [s.id, s]))
  state.tiles = new Map()
  state.lastSeen = new Map()
  for (const sensor of sensors.items) for (const factor of sensor.factors) ensureTile(sensor.id, factor)
  for (const reading of latest.items) applyReading(reading)
  for (const point of exposures.items) applyExposure(point)
  state.alerts = new Map(alerts.items.map((a) => [a.id, a]))
  renderTiles()
  renderAlerts()
  void loadTrends(generation)
}

/** Starts each sparkline with the last half hour, a few tiles at a time. */
async function loadTrends(generation) {
  const queue = [...state.tiles.values()]
  const from = Date.now() - TREND_SPAN_MS
  async function worker() {
    for (let tile = queue.shift(); tile !== undefined; tile = queue.shift()) {
      const url = `/api/v1/sensors/${encodeURIComponent(tile.sensorId)}/readings?factor=${encodeURIComponent(tile.factor)}&interval=${TREND_INTERVAL}&from=${from}`
      try {
        const series = await getJson(url)
        if (generation !== state.generation) return
        const firstLive = tile.trend[0]?.t ?? Number.POSITIVE_INFINITY
        const history = series.points
          .map((p) => ({ t: Date.parse(p.time), v: p.mean }))
          .filter((p) => p.t < firstLive)
        tile.trend = [...history, ...tile.trend]
        updateTile(tile)
      } catch (err) {
        // A missing trend leaves the live line to grow on its own; the value is what matters.
        console.warn(err)
      }
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()])
}

// ---------- state changes ----------

function tileKey(sensorId, factor) {
  return `${sensorId}|${factor}`
}

function ensureTile(sensorId, factor) {
  const key = tileKey(sensorId, factor)
  let tile = state.tiles.get(key)
  if (tile === undefined) {
    tile = { key, sensorId, factor, latest: undefined, exposure: undefined, trend: [] }
    state.tiles.set(key, tile)
  }
  return tile
}

/** Applies one reading; returns the tile, and whether it is a new one that the grid does not show yet. */
function applyReading(reading) {
  const isNew = !state.tiles.has(tileKey(reading.sensorId, reading.factor))
  const tile = ensureTile(reading.sensorId, reading.factor)
  const time = Date.parse(reading.time)
  if (tile.latest === undefined || time >= tile.latest.time) tile.latest = { value: reading.value, time }
  const last = tile.trend[tile.trend.length - 1]
  if (last === undefined || time > last.t) tile.trend.push({ t: time, v: reading.value })
  if (tile.trend.length > MAX_TREND_POINTS) tile.trend.splice(0, tile.trend.length - MAX_TREND_POINTS)
  if (time > (state.lastSeen.get(reading.sensorId) ?? 0)) state.lastSeen.set(reading.sensorId, time)
  return { tile, isNew }
}

/** Applies one exposure figure (STEL, TWA, dose so far); returns the tile, and whether it is new. */
function applyExposure(point) {
  const isNew = !state.tiles.has(tileKey(point.sensorId, point.factor))
  const tile = ensureTile(point.sensorId, point.factor)
  if (tile.exposure === undefined || Date.parse(point.time) >= Date.parse(tile.exposure.time))
    tile.exposure = point
  return { tile, isNew }
}

/**
 * An alert from the live feed or an answer of the API: always the whole alert as the alert register holds
 * it, so it replaces what the page had. Cleared and resolved alerts leave the list. An older copy (the feed
 * and an answer can cross) never replaces a newer one.
 */
function applyAlert(alert) {
  const known = state.alerts.get(alert.id)
  if (known !== undefined && Date.parse(known.updatedAt) > Date.parse(alert.updatedAt)) return
  if (alert.state === 'cleared' || alert.state === 'resolved') state.alerts.delete(alert.id)
  else state.alerts.set(alert.id, alert)
}

/** The highest level anyone acknowledged, or 0. */
function acknowledgedRank(alert) {
  return Math.max(0, ...alert.acknowledgements.map((a) => LEVEL_RANK[a.level]))
}

/** Open, or escalated past every acknowledgement: someone should acknowledge it. */
function needsAcknowledgement(alert) {
  return alert.state === 'open' || LEVEL_RANK[alert.level] > acknowledgedRank(alert)
}

// ---------- socket.io ----------

let socket

function connectSocket() {
  // The key is read on every (re)connection, so a key given later is used by the next attempt.
  socket = io({
    transports: ['websocket', 'polling'],
    auth: (send) => send(apiKey() === undefined ? {} : { token: apiKey() }),
  })
  let connectedBefore = false
  socket.on('connect', () => {
    setConnection('live')
    joinRoom()
    // Events sent while we were away are lost: reload what the REST API knows.
    if (connectedBefore && state.facility !== undefined) void loadFacility()
    connectedBefore = true
  })
  socket.on('disconnect', () => setConnection('reconnecting'))
  // The key was revoked or expired while the page was open: the server closed the feed for good.
  socket.on('key-refused', () => askForKey(loadFacility))
  socket.on('connect_error', () => setConnection('reconnecting'))
  socket.on('reading', (reading) => {
    if (reading.facilityId !== state.facility?.id) return
    const { tile, isNew } = applyReading(reading)
    if (isNew) renderTiles()
    else updateTile(tile)
  })
  socket.on('alert', (alert) => {
    if (alert.facilityId !== state.facility?.id) return
    alarmAlerter(alert, state.alerts.get(alert.id))
    applyAlert(alert)
    renderAlerts()
  })
  // An alert this key acknowledged escalated: said here as well as in the list, whatever facility is shown.
  socket.on('notice', (notice) => showNotice(notice))
  socket.on('exposure', (point) => {
    if (point.facilityId !== state.facility?.id) return
    const { tile, isNew } = applyExposure(point)
    if (isNew) renderTiles()
    else updateTile(tile)
  })
}

function joinRoom() {
  if (socket?.connected !== true || state.facility === undefined) return
  const facilityId = state.facility.id
  socket.emit('join', facilityId, (answer) => {
    if (answer?.ok !== true) console.error('join refused', answer)
  })
}

// ---------- rendering ----------

function element(tag, className, text) {
  const el = document.createElement(tag)
  if (className) el.className = className
  if (text !== undefined) el.textContent = text
  return el
}

function applyStaticTexts() {
  document.documentElement.lang = tr.language
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = tr.t(el.dataset.i18n)
  for (const button of document.querySelectorAll('[data-language]')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === tr.language))
  }
  $('ack-note').placeholder = tr.t('ackNotePlaceholder')
  $('resolve-reason').replaceChildren(
    ...RESOLUTION_REASONS.map((reason) => {
      const option = element('option', undefined, tr.t(`reason.${reason}`))
      option.value = reason
      return option
    }),
  )
  setConnection($('connection').dataset.state)
}

function setConnection(connection) {
  const el = $('connection')
  el.dataset.state = connection
  el.textContent = tr.t(connection)
}

function showBanner(text) {
  $('banner').textContent = text
  $('banner').hidden = false
}

function hideBanner() {
  $('banner').hidden = true
}

function renderFacilityPicker() {
  const select = $('facility')
  select.replaceChildren(
    ...state.facilities.map((f) => {
      const option = element('option', undefined, `${f.name} (${f.id})`)
      option.value = f.id
      return option
    }),
  )
  if (state.facility !== undefined) select.value = state.facility.id
}

function factorLabel(factor) {
  return tr.factorLabel(factor, state.limits.get(factor)?.label)
}

function unitOf(factor) {
  return state.limits.get(factor)?.unit ?? ''
}

function formatValue(value) {
  return tr.number(value, digitsFor(value))
}

function formatLimit(assessment, unit) {
  const value =
    assessment.kind === 'band'
      ? `${formatValue(assessment.limit)}–${formatValue(assessment.upper)}`
      : formatValue(assessment.limit)
  return `${tr.t(`limit.${assessment.kind}`)} ${value} ${unit}`
}

function formatPercent(percent) {
  if (percent > 999) return '>999 %'
  return `${tr.number(percent, 0)} %`
}

const FACTOR_ORDER = Object.freeze([
  'noise',
  'dust.total',
  'dust.respirable',
  'gas.co',
  'gas.h2s',
  'gas.nh3',
  'gas.so2',
  'gas.no2',
  'gas.cl2',
  'gas.co2',
  'gas.o2',
  'gas.lel',
  'temperature',
  'humidity',
  'wbgt',
])

function renderTiles() {
  const container = $('zones')
  tileElements.clear()
  const facility = state.facility
  $('facility-info').textContent = facility
    ? `${facility.name} · ${facility.province} · ${facility.sector} · ${tr.t('profile', { name: state.profileName })}`
    : ''
  const byZone = new Map()
  for (const tile of state.tiles.values()) {
    const zone = state.sensors.get(tile.sensorId)?.zone ?? '—'
    if (!byZone.has(zone)) byZone.set(zone, [])
    byZone.get(zone).push(tile)
  }
  const sections = [...byZone.keys()]
    .sort((a, b) => a.localeCompare(b, tr.locale))
    .map((zone) => {
      const section = element('section', 'zone')
      section.append(element('h3', 'zone-name', `${tr.t('zone')}: ${zone}`))
      const grid = element('div', 'tiles')
      const tiles = byZone
        .get(zone)
        .sort(
          (a, b) =>
            a.sensorId.localeCompare(b.sensorId) ||
            FACTOR_ORDER.indexOf(a.factor) - FACTOR_ORDER.indexOf(b.factor),
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
  sensor.title = tr.t('sensorDetails', { id: tile.sensorId })
  sensor.addEventListener('click', () => {
    const registered = state.sensors.get(tile.sensorId)
    if (registered === undefined) return
    // The live feed knows a newer reading than the registry's last-seen time, which is written in batches.
    const seen = Math.max(
      Date.parse(registered.lastSeenAt ?? '') || 0,
      state.lastSeen.get(tile.sensorId) ?? 0,
    )
    const sensor = { ...registered, lastSeenAt: seen > 0 ? seen : undefined }
    void openSensorDetail(sensor, { getJson, tr, factorLabel })
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
  // STEL, TWA and noise dose from the exposure engine; hidden until its first figure for this tile arrives.
  const exposure = element('dl', 'tile-exposure')
  exposure.hidden = true
  exposure.dataset.sensor = tile.sensorId
  exposure.dataset.factor = tile.factor
  root.append(head, reading, meter, limit, trend, exposure, updated)
  tileElements.set(tile.key, { root, badge, value, percent, fill, limit, trend, updated, exposure })
  return root
}

function updateTile(tile) {
  const el = tileElements.get(tile.key)
  if (el === undefined) return
  const now = Date.now()
  const limits = tileLimits(tile)
  const unit = unitOf(tile.factor)
  const lastSeen = state.lastSeen.get(tile.sensorId)
  const intervalS = state.sensors.get(tile.sensorId)?.reportingIntervalS ?? DEFAULT_REPORTING_INTERVAL_S
  const offline = lastSeen === undefined || now - lastSeen > MISSED_INTERVALS_OFFLINE * intervalS * 1000
  const latest = tile.latest
  const assessment = latest === undefined ? undefined : assess(tile.factor, latest.value, limits)
  const status = latest === undefined ? 'none' : (assessment?.status ?? 'unlimited')

  el.root.dataset.status = status
  el.root.dataset.offline = String(offline)
  el.root.dataset.value = latest === undefined ? '' : String(latest.value)
  el.root.classList.toggle('has-alert', hasActiveAlert(tile))
  el.value.textContent = latest === undefined ? '—' : formatValue(latest.value)
  el.badge.hidden = !(offline && latest !== undefined)
  el.badge.textContent = tr.t('offline')

  if (assessment !== undefined) {
    const ofLimit = tr.t('ofLimit', {
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
    el.limit.textContent =
      limits === undefined || !hasAnyLimit(limits) ? tr.t('noLimit') : describeLimits(limits, unit)
    el.limit.title = limits === undefined ? '' : limitSources(limits)
  }
  renderExposure(el.exposure, tile, limits, unit)
  const drawnLimit = assessment?.kind === 'band' ? undefined : assessment?.limit
  drawSparkline(el.trend, tile.trend, { spanMs: TREND_SPAN_MS, now, limit: drawnLimit })
  // Ingest estimates WBGT from temperature and humidity: such a tile has figures but no readings of its own.
  if (latest === undefined)
    el.updated.textContent = tr.t(
      tile.factor === 'wbgt' && tile.exposure !== undefined ? 'wbgtEstimated' : 'noData',
    )
  else if (offline) el.updated.textContent = tr.t('offlineSince', { time: tr.time(latest.time) })
  else el.updated.textContent = tr.t('updated', { time: tr.time(latest.time) })
}

/**
 * The time-weighted figures of a tile, each next to the limit it is judged by: STEL and 8-h TWA for gases
 * and dust, the dose for noise. A figure whose factor has no such limit in the profile (a TWA of air
 * temperature) is left out, and a tile with none shows no exposure block.
 */
function renderExposure(container, tile, limits, unit) {
  const point = tile.exposure
  const rows = []
  if (point !== undefined && limits !== undefined) {
    const percentOf = (kind, value) =>
      value === undefined || limits[kind] === undefined
        ? undefined
        : assess(tile.factor, value, { [kind]: limits[kind], exchangeRate: limits.exchangeRate })?.percent
    const percentText = (value) => formatPercent(value)
    // Points stored before verdicts existed have none: their rows show no badge.
    const verdicts = point.verdicts ?? {}
    if (tile.factor === 'noise') {
      if (point.dose !== undefined) {
        rows.push(
          exposureRow('dose', percentText(point.dose), point.dose, point.doseProjected, percentText, {
            figure: verdicts.dose,
            projected: verdicts.projectedDose,
          }),
        )
      }
      if (point.lex8h !== undefined && point.dose !== undefined) {
        rows.push(
          exposureRow('lex', `${formatValue(point.lex8h)} dBA`, undefined, undefined, undefined, {
            figure: verdicts.lex8h,
          }),
        )
      }
    } else {
      if (point.stel !== undefined && limits.stel !== undefined) {
        rows.push(
          exposureRow(
            'stel',
            `${formatValue(point.stel)} ${unit}`,
            percentOf('stel', point.stel),
            undefined,
            undefined,
            { figure: verdicts.stel },
          ),
        )
      }
      if (point.twa !== undefined && limits.twa !== undefined) {
        rows.push(
          exposureRow(
            'twa',
            `${formatValue(point.twa)} ${unit}`,
            percentOf('twa', point.twa),
            percentOf('twa', point.twaProjected),
            () => `${formatValue(point.twaProjected)} ${unit}`,
            { figure: verdicts.twa, projected: verdicts.projectedTwa },
          ),
        )
      }
      // A temperature's share of its limit means little: the WBGT mean is shown as it is.
      if (point.hourMean !== undefined && limits.hourMean !== undefined) {
        rows.push(
          exposureRow('hourMean', `${formatValue(point.hourMean)} ${unit}`, undefined, undefined, undefined, {
            figure: verdicts.hourMean,
          }),
        )
      }
    }
  }
  container.hidden = rows.length === 0
  if (rows.length === 0) {
    container.replaceChildren()
    return
  }
  const coverage = element(
    'p',
    'exposure-coverage',
    tr.t('exposure.coverage', { percent: `${tr.number(100 * point.coverage, 0)} %` }),
  )
  coverage.title = tr.t('exposure.shift', { time: tr.time(point.shiftStart) })
  container.replaceChildren(...rows, coverage)
  if (point.shift !== undefined) container.append(shiftLine(point.shift))
}

/** The shift the figures are judged on, in the facility's local time as its pattern declares it. */
function shiftLine(shift) {
  // "2026-11-30T07:30:00+07:00": the local clock time is the text itself, whatever the browser's zone.
  const line = element(
    'p',
    'exposure-shift',
    tr.t('exposure.shiftWindow', {
      start: shift.start.slice(11, 16),
      end: shift.end.slice(11, 16),
      hours: tr.number(shift.hours, shift.hours % 1 === 0 ? 0 : 1),
    }),
  )
  line.dataset.start = shift.start
  line.dataset.nextStart = shift.nextStart
  return line
}

/**
 * One figure: its value and % of the limit with a bar, its verdict, and below it where the shift is heading
 * with the projection's verdict.
 */
function exposureRow(kind, value, percent, projected, formatProjected, verdicts = {}) {
  const row = element('div', 'exposure-row')
  row.dataset.kind = kind
  if (percent !== undefined) row.dataset.status = statusOf(percent)
  const term = element('dt', undefined, tr.t(`exposure.${kind}`))
  const detail = element('dd', 'exposure-figure')
  detail.append(element('span', 'exposure-value', value))
  // A dose is a percentage already.
  if (percent !== undefined && kind !== 'dose') {
    detail.append(element('span', 'exposure-percent', formatPercent(percent)))
  }
  row.append(term, detail)
  if (percent !== undefined) {
    const bar = element('div', 'exposure-bar')
    const fill = element('div', 'exposure-bar-fill')
    fill.style.width = `${Math.min(percent, 100)}%`
    bar.append(fill)
    row.append(bar)
  }
  if (verdicts.figure !== undefined) row.append(verdictCell(verdictBadge(verdicts.figure, tr)))
  if (projected !== undefined) {
    const ahead = element(
      'dd',
      'exposure-projected',
      tr.t('exposure.projected', { value: formatProjected(projected) }),
    )
    ahead.dataset.status = statusOf(projected)
    row.append(ahead)
    if (verdicts.projected !== undefined) {
      const badge = verdictBadge(verdicts.projected, tr)
      badge.dataset.projected = 'true'
      row.append(verdictCell(badge))
    }
  }
  return row
}

/** A <dl>'s rows hold only <dt> and <dd>: the badge goes in a <dd> of its own. */
function verdictCell(badge) {
  const cell = element('dd', 'exposure-verdict')
  cell.append(badge)
  return cell
}

const LIMIT_KINDS = ['ceiling', 'stel', 'twa', 'floor', 'idlh', 'hourMean']

function hasAnyLimit(limits) {
  return LIMIT_KINDS.some((kind) => limits[kind] !== undefined)
}

function describeLimits(limits, unit) {
  return LIMIT_KINDS.filter((kind) => limits[kind] !== undefined)
    .map((kind) => `${tr.t(`limit.${kind}`)} ${formatValue(limits[kind].value)} ${unit}`)
    .join(' · ')
}

function limitSources(limits) {
  return LIMIT_KINDS.filter((kind) => limits[kind] !== undefined)
    .map((kind) => `${tr.t(`limit.${kind}`)}: ${limits[kind].source}`)
    .join('\n')
}

function hasActiveAlert(tile) {
  for (const alert of state.alerts.values()) {
    if (alert.sensorId === tile.sensorId && alert.factor === tile.factor && needsAcknowledgement(alert))
      return true
  }
  return false
}

/** Marks sensors offline as time passes without readings. */
function refreshFreshness() {
  for (const tile of state.tiles.values()) updateTile(tile)
}

/** The subject of an alert's message, by kind: "Tiếng ồn", "Liều ồn dự báo cuối ca", … */
function alertSubject(alert) {
  const factor = factorLabel(alert.factor)
  if (alert.kind === 'projected')
    return tr.t(alert.factor === 'noise' ? 'subject.projectedDose' : 'subject.projectedTwa', { factor })
  if (alert.kind === 'ceiling') return factor
  return tr.t(`subject.${alert.kind}`, { factor })
}

function alertMessage(alert) {
  // The server's message is English; other languages compose it from the alert's fields.
  if (tr.language === 'en') return alert.message
  const relation = alert.value < alert.limit ? 'below' : 'above'
  return tr.t(`alert.${relation}`, {
    subject: alertSubject(alert),
    value: `${formatValue(alert.value)} ${alert.unit}`,
    threshold: tr.t(`threshold.${alert.level}`),
    limit: `${formatValue(alert.limit)} ${alert.unit}`,
  })
}

function renderAlerts() {
  const alerts = [...state.alerts.values()].sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt))
  const list = $('alerts')
  list.replaceChildren(...alerts.map(buildAlert))
  $('no-alerts').hidden = alerts.length > 0
  const open = alerts.filter(needsAcknowledgement).length
  $('alert-count').textContent = String(open)
  $('alert-count').dataset.count = String(open)
  $('alert-count').title = tr.t('unacknowledged', { count: open })
  document.title = open > 0 ? `(${open}) quantrac` : 'quantrac'
  for (const tile of state.tiles.values())
    tileElements.get(tile.key)?.root.classList.toggle('has-alert', hasActiveAlert(tile))
}

function buildAlert(alert) {
  const item = element('li', `alert level-${alert.level}`)
  item.dataset.alertId = alert.id
  item.dataset.state = alert.state
  item.dataset.level = alert.level
  item.dataset.kind = alert.kind
  const head = element('div', 'alert-head')
  head.append(
    element('span', 'alert-level', tr.t(`level.${alert.level}`)),
    element('span', 'alert-kind', tr.t(`kind.${alert.kind}`)),
    element('time', 'alert-time', tr.time(alert.openedAt)),
  )
  head.lastChild.dateTime = alert.openedAt
  const message = element('p', 'alert-message', alertMessage(alert))
  message.title = alert.message
  const where = element('p', 'alert-where', `${factorLabel(alert.factor)} · ${alert.sensorId}`)
  const zone = state.sensors.get(alert.sensorId)?.zone
  if (zone !== undefined) where.textContent += ` · ${tr.t('zone')}: ${zone}`
  const source = element('p', 'alert-source', alert.source)
  item.append(head, message, where, source)
  for (const acknowledgement of alert.acknowledgements) {
    item.append(
      element(
        'p',
        'alert-ack',
        tr.t('acknowledgedBy', {
          by: acknowledgement.by.name,
          time: tr.time(acknowledgement.at),
          level: tr.t(`level.${acknowledgement.level}`),
        }),
      ),
    )
    if (acknowledgement.note) item.append(element('p', 'alert-note', acknowledgement.note))
  }
  const escalated = alert.acknowledgements.length > 0 && needsAcknowledgement(alert)
  if (escalated) {
    item.append(
      element('p', 'alert-escalated', tr.t('escalatedSince', { level: tr.t(`level.${alert.level}`) })),
    )
  }
  const actions = element('div', 'alert-actions')
  if (needsAcknowledgement(alert)) {
    const button = element('button', 'button-primary alert-ack-button', tr.t('acknowledge'))
    button.type = 'button'
    button.addEventListener('click', () => openAcknowledge(alert.id))
    actions.append(button)
  }
  const resolve = element('button', 'button-secondary alert-resolve-button', tr.t('resolve'))
  resolve.type = 'button'
  resolve.addEventListener('click', () => openResolve(alert.id))
  actions.append(resolve)
  item.append(actions)
  return item
}

// ---------- acknowledgement and resolution ----------

let acknowledging
let resolving

function openAcknowledge(alertId) {
  const alert = state.alerts.get(alertId)
  if (alert === undefined) return
  acknowledging = alertId
  $('ack-summary').textContent = `${tr.t(`level.${alert.level}`)} · ${alertMessage(alert)}`
  $('ack-note').value = ''
  $('ack-error').hidden = true
  $('ack-submit').disabled = false
  $('ack-dialog').showModal()
  $('ack-note').focus()
}

function openResolve(alertId) {
  const alert = state.alerts.get(alertId)
  if (alert === undefined) return
  resolving = alertId
  $('resolve-summary').textContent = `${tr.t(`level.${alert.level}`)} · ${alertMessage(alert)}`
  $('resolve-reason').value = RESOLUTION_REASONS[0]
  $('resolve-note').value = ''
  $('resolve-note').required = false
  $('resolve-error').hidden = true
  $('resolve-submit').disabled = false
  $('resolve-dialog').showModal()
  $('resolve-reason').focus()
}

/**
 * Posts a person's act on an alert; who it is comes from the API key. Returns true when the dialog may
 * close. The answer is the alert as the register now holds it.
 */
async function postAlertAction(alertId, action, body, dialog, retry) {
  const response = await fetch(`/api/v1/alerts/${encodeURIComponent(alertId)}/${action}`, {
    method: 'POST',
    headers: withApiKey({ 'content-type': 'application/json', accept: 'application/json' }),
    body: JSON.stringify(body),
  })
  const answer = await response.json().catch(() => ({}))
  if (response.ok) {
    applyAlert(answer)
    renderAlerts()
    return undefined
  }
  if (response.status === 401) {
    $(dialog).close()
    askForKey(retry)
    return undefined
  }
  if (response.status === 409 || response.status === 404) {
    // Someone else acted first: show what the server knows now.
    void loadFacility()
    return tr.t(`${action}Conflict`)
  }
  if (response.status === 403) return tr.t('notAllowed')
  return tr.t(`${action}Failed`, { message: answer.message ?? `HTTP ${response.status}` })
}

async function submitAcknowledge(event) {
  event.preventDefault()
  const alertId = acknowledging
  if (alertId === undefined) return
  const note = $('ack-note').value.trim()
  $('ack-submit').disabled = true
  try {
    const error = await postAlertAction(
      alertId,
      'acknowledge',
      note === '' ? {} : { note },
      'ack-dialog',
      () => openAcknowledge(alertId),
    )
    if (error === undefined) $('ack-dialog').close()
    else showDialogError('ack-error', error)
  } catch (err) {
    showDialogError('ack-error', tr.t('acknowledgeFailed', { message: err.message }))
  } finally {
    $('ack-submit').disabled = false
  }
}

async function submitResolve(event) {
  event.preventDefault()
  const alertId = resolving
  if (alertId === undefined) return
  const reason = $('resolve-reason').value
  const note = $('resolve-note').value.trim()
  if (reason === 'other' && note === '') {
    $('resolve-note').required = true
    $('resolve-note').reportValidity()
    return
  }
  $('resolve-submit').disabled = true
  try {
    const body = note === '' ? { reason } : { reason, note }
    const error = await postAlertAction(alertId, 'resolve', body, 'resolve-dialog', () =>
      openResolve(alertId),
    )
    if (error === undefined) $('resolve-dialog').close()
    else showDialogError('resolve-error', error)
  } catch (err) {
    showDialogError('resolve-error', tr.t('resolveFailed', { message: err.message }))
  } finally {
    $('resolve-submit').disabled = false
  }
}

function showDialogError(id, text) {
  $(id).textContent = text
  $(id).hidden = false
}

/** A notice to this key: an alert it acknowledged escalated. Stays until dismissed. */
function showNotice(notice) {
  const item = element('li', `notice level-${notice.alert.level}`)
  item.dataset.alertId = notice.alert.id
  const text = element(
    'p',
    'notice-text',
    tr.t('noticeEscalated', {
      level: tr.t(`level.${notice.alert.level}`),
      message: alertMessage(notice.alert),
    }),
  )
  const dismiss = element('button', 'button-secondary notice-dismiss', tr.t('dismiss'))
  dismiss.type = 'button'
  dismiss.addEventListener('click', () => item.remove())
  item.append(text, dismiss)
  $('notices').prepend(item)
}

// ---------- controls ----------

function bindControls() {
  if (bindControls.done) return
  bindControls.done = true
  $('facility').addEventListener('change', (event) => {
    location.hash = encodeURIComponent(event.target.value)
  })
  window.addEventListener('hashchange', () => {
    const facility = facilityFromHash()
    if (facility !== undefined && facility.id !== state.facility?.id) void selectFacility(facility.id)
  })
  for (const button of document.querySelectorAll('[data-language]')) {
    button.addEventListener('click', () => {
      saveLanguage(button.dataset.language)
      tr = createTranslator(button.dataset.language)
      applyStaticTexts()
      renderTiles()
      renderAlerts()
    })
  }
  $('ack-form').addEventListener('submit', submitAcknowledge)
  $('resolve-form').addEventListener('submit', submitResolve)
  $('resolve-reason').addEventListener('change', () => {
    $('resolve-note').required = $('resolve-reason').value === 'other'
  })
  bindSignIn({
    refused: () => tr.t('keyRefused'),
    // A socket refused without a key tries again with it.
    onSignedIn: () => {
      if (socket !== undefined && !socket.connected) socket.connect()
    },
    onSignedOut: () => location.reload(),
  })
  $('ack-cancel').addEventListener('click', () => $('ack-dialog').close())
  $('resolve-cancel').addEventListener('click', () => $('resolve-dialog').close())
}

void start()
