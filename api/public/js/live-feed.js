// @ts-check
// The socket.io live feed: readings, alerts, exposure figures and notices for the facility shown, each
// applied to the state and drawn. The key is read on every (re)connection, so a key given later is used by
// the next attempt; after a lost connection the page reloads what the REST API knows.
import { io } from '/vendor/socket.io.esm.min.js'
import { renderAlerts, showNotice } from './alerts-panel.js'
import { applyAlert, applyExposure, applyReading, state } from './live-state.js'
import { apiKey, askForKey } from './sign-in.js'
import { renderTiles, updateTile } from './tiles.js'

let socket

/**
 * Opens the feed once. `setConnection` shows its state ('live', 'reconnecting'); `reload` fetches the
 * facility again; `heard` is told of each alert before it is applied (sound and notification).
 */
export function connectSocket({ setConnection, reload, heard }) {
  socket = io({
    transports: ['websocket', 'polling'],
    auth: (send) => send(apiKey() === undefined ? {} : { token: apiKey() }),
  })
  let connectedBefore = false
  socket.on('connect', () => {
    setConnection('live')
    joinRoom()
    // Events sent while we were away are lost: reload what the REST API knows.
    if (connectedBefore && state.facility !== undefined) void reload()
    connectedBefore = true
  })
  socket.on('disconnect', () => setConnection('reconnecting'))
  // The key was revoked or expired while the page was open: the server closed the feed for good.
  socket.on('key-refused', () => askForKey(reload))
  socket.on('connect_error', () => setConnection('reconnecting'))
  socket.on('reading', (reading) => {
    if (reading.facilityId !== state.facility?.id) return
    const { tile, isNew } = applyReading(reading)
    if (isNew) renderTiles()
    else updateTile(tile)
  })
  socket.on('alert', (alert) => {
    if (alert.facilityId !== state.facility?.id) return
    heard(alert, state.alerts.get(alert.id))
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

export function feedOpened() {
  return socket !== undefined
}

/** A socket refused without a key tries again with it. */
export function reconnectFeed() {
  if (socket !== undefined && !socket.connected) socket.connect()
}

export function joinRoom() {
  if (socket?.connected !== true || state.facility === undefined) return
  const facilityId = state.facility.id
  socket.emit('join', facilityId, (answer) => {
    if (answer?.ok !== true) console.error('join refused', answer)
  })
}

export function leaveRoom(facilityId) {
  socket?.emit('leave', facilityId)
}
