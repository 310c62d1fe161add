// @ts-check
// Everything the live page shows lives in `state`, and the translator in `view`: one owner, so every render
// reads the same facts. The functions here change the state; they draw nothing.
import { createTranslator, initialLanguage } from './i18n.js'

/** The time span of the sparklines, and the history fetched to start them. */
export const TREND_SPAN_MS = 30 * 60_000
export const TREND_INTERVAL = '30s'
export const MAX_TREND_POINTS = 600
export const LEVEL_RANK = { warning: 1, alarm: 2, critical: 3 }

export const state = {
  facilities: [],
  facility: undefined,
  /** factor → one entry of GET /api/v1/limits, for the facility's profile */
  limits: new Map(),
  /** zone limit variant → (factor → entry), for sensors in a zone with its own limits (an office: 65 dBA) */
  variantLimits: new Map(),
  /** The profile's name per language (`names` of GET /api/v1/limits) */
  profileName: { vi: '', en: '' },
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

/** The page's translator; replaced when the person picks another language. */
export const view = { tr: createTranslator(initialLanguage()) }

/** The limits a tile is judged by: its zone's variant of the profile, if it has one. */
export function tileLimits(tile) {
  const variant = state.sensors.get(tile.sensorId)?.limitVariant
  return (variant && state.variantLimits.get(variant)?.get(tile.factor)) ?? state.limits.get(tile.factor)
}

export function tileKey(sensorId, factor) {
  return `${sensorId}|${factor}`
}

export function ensureTile(sensorId, factor) {
  const key = tileKey(sensorId, factor)
  let tile = state.tiles.get(key)
  if (tile === undefined) {
    tile = { key, sensorId, factor, latest: undefined, exposure: undefined, trend: [] }
    state.tiles.set(key, tile)
  }
  return tile
}

/** Applies one reading; returns the tile, and whether it is a new one that the grid does not show yet. */
export function applyReading(reading) {
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
export function applyExposure(point) {
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
export function applyAlert(alert) {
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
export function needsAcknowledgement(alert) {
  return alert.state === 'open' || LEVEL_RANK[alert.level] > acknowledgedRank(alert)
}
