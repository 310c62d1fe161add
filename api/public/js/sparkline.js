// @ts-check
// A small trend line drawn as inline SVG: no charting library for sixty points per tile.

const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 120
const HEIGHT = 32
const PAD = 2

/** An empty sparkline; fill it with `drawSparkline`. */
export function createSparkline() {
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`)
  svg.setAttribute('preserveAspectRatio', 'none')
  svg.setAttribute('class', 'sparkline')
  svg.setAttribute('aria-hidden', 'true')
  const limit = document.createElementNS(SVG, 'line')
  limit.setAttribute('class', 'sparkline-limit')
  const area = document.createElementNS(SVG, 'path')
  area.setAttribute('class', 'sparkline-area')
  const line = document.createElementNS(SVG, 'path')
  line.setAttribute('class', 'sparkline-line')
  svg.append(area, limit, line)
  return svg
}

/**
 * Draws `points` ({t: epoch ms, v: value}) over the window [now − spanMs, now]. The limit is drawn as a
 * dashed line when it lies within reach of the values (up to 1.5× their span away), so a quiet trend
 * far below its limit keeps its detail.
 * @param {SVGSVGElement} svg
 * @param {{t: number, v: number}[]} points
 * @param {{spanMs: number, now?: number, limit?: number}} options
 */
export function drawSparkline(svg, points, { spanMs, now = Date.now(), limit }) {
  const [area, limitLine, line] = svg.children
  const visible = points.filter((p) => p.t >= now - spanMs)
  if (visible.length === 0) {
    area.setAttribute('d', '')
    line.setAttribute('d', '')
    limitLine.setAttribute('visibility', 'hidden')
    return
  }
  let min = Math.min(...visible.map((p) => p.v))
  let max = Math.max(...visible.map((p) => p.v))
  const span = Math.max(max - min, Math.abs(max) * 0.02, 1e-6)
  const showLimit = limit !== undefined && limit >= min - 1.5 * span && limit <= max + 1.5 * span
  if (showLimit) {
    min = Math.min(min, limit)
    max = Math.max(max, limit)
  }
  if (max - min < span) {
    const middle = (max + min) / 2
    min = middle - span / 2
    max = middle + span / 2
  }
  const x = (t) => PAD + ((WIDTH - 2 * PAD) * (t - (now - spanMs))) / spanMs
  const y = (v) => HEIGHT - PAD - ((HEIGHT - 2 * PAD) * (v - min)) / (max - min)
  const coordinates = visible.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
  // One point is a dot-sized flat line, so a sensor's first reading is visible.
  if (coordinates.length === 1)
    coordinates.push(`${(x(visible[0].t) + 1).toFixed(1)},${y(visible[0].v).toFixed(1)}`)
  const d = `M${coordinates.join('L')}`
  line.setAttribute('d', d)
  const first = coordinates[0].split(',')[0]
  const last = coordinates[coordinates.length - 1].split(',')[0]
  area.setAttribute('d', `${d}L${last},${HEIGHT}L${first},${HEIGHT}Z`)
  if (showLimit) {
    const ly = y(limit).toFixed(1)
    limitLine.setAttribute('x1', '0')
    limitLine.setAttribute('x2', String(WIDTH))
    limitLine.setAttribute('y1', ly)
    limitLine.setAttribute('y2', ly)
    limitLine.setAttribute('visibility', 'visible')
  } else {
    limitLine.setAttribute('visibility', 'hidden')
  }
}
