// @ts-check
// The regulator page's charts, drawn with uPlot (served at /vendor/): the yearly trend of monitored against
// hazardous facilities with the +5 %-a-year target path, and a bar chart comparing provinces or sectors.
// Each chart sits in a container with role="img" whose label says in words what it draws; the same figures
// are in the tables beside it.
import uPlot from '/vendor/uPlot.esm.js'

/** Colours from styles.css, so the charts follow the page's palette (and its contrast test). */
function palette() {
  const style = getComputedStyle(document.documentElement)
  const read = (name) => style.getPropertyValue(name).trim()
  return { accent: read('--accent'), ok: read('--ok'), muted: read('--muted'), border: read('--border') }
}

/** Draws `make(width)` into `container` now and again whenever the container's width changes. */
function drawn(container, make) {
  const previous = charts.get(container)
  previous?.observer.disconnect()
  previous?.chart.destroy()
  container.replaceChildren()
  const chart = make(Math.max(280, container.clientWidth))
  const observer = new ResizeObserver(() => {
    const width = Math.max(280, container.clientWidth)
    if (width !== chart.width) chart.setSize({ width, height: chart.height })
  })
  observer.observe(container)
  charts.set(container, { chart, observer })
  return chart
}

/** @type {Map<HTMLElement, { chart: uPlot, observer: ResizeObserver }>} */
const charts = new Map()

const axisFont = '12px system-ui, sans-serif'

/**
 * The trend: `points` are `{ year, hazardous, monitored, target }` (target: the previous year's monitored
 * count raised by the annual target, or null for the first year with no previous one).
 * @param {HTMLElement} container
 * @param {{ year: number, hazardous: number, monitored: number, target: number | null }[]} points
 * @param {{ hazardous: string, monitored: string, target: string }} labels
 * @param {(value: number, digits: number) => string} number
 */
export function drawTrend(container, points, labels, number) {
  const colours = palette()
  const years = points.map((p) => p.year)
  const top = Math.max(1, ...points.flatMap((p) => [p.hazardous, p.monitored, p.target ?? 0]))
  return drawn(
    container,
    (width) =>
      new uPlot(
        {
          width,
          height: 260,
          legend: { live: false },
          cursor: { drag: { x: false, y: false } },
          scales: {
            x: { time: false, range: [years[0] - 0.5, years[years.length - 1] + 0.5] },
            y: { range: [0, Math.ceil(top * 1.15)] },
          },
          axes: [
            { font: axisFont, splits: () => years, values: (_u, splits) => splits.map(String) },
            { font: axisFont, values: (_u, splits) => splits.map((v) => number(v, 0)) },
          ],
          series: [
            {},
            { label: labels.hazardous, stroke: colours.muted, width: 2, points: { show: true, size: 6 } },
            {
              label: labels.monitored,
              stroke: colours.accent,
              width: 3,
              points: { show: true, size: 9, fill: colours.accent },
            },
            {
              label: labels.target,
              stroke: colours.ok,
              width: 2,
              dash: [8, 5],
              points: { show: true, size: 6 },
            },
          ],
        },
        [years, points.map((p) => p.hazardous), points.map((p) => p.monitored), points.map((p) => p.target)],
        container,
      ),
  )
}

/**
 * Bars of hazardous and monitored facilities side by side for each row (a province, a sector).
 * @param {HTMLElement} container
 * @param {{ name: string, hazardous: number, monitored: number }[]} rows
 * @param {{ hazardous: string, monitored: string }} labels
 * @param {(value: number, digits: number) => string} number
 */
export function drawComparison(container, rows, labels, number) {
  const colours = palette()
  const index = rows.map((_, i) => i)
  const top = Math.max(1, ...rows.map((r) => r.hazardous))
  const slanted = rows.length > 4
  const bars = (align) => uPlot.paths.bars({ size: [0.4, 48], align, gap: 1 })
  return drawn(
    container,
    (width) =>
      new uPlot(
        {
          width,
          height: slanted ? 320 : 240,
          legend: { live: false },
          cursor: { drag: { x: false, y: false } },
          scales: {
            x: { time: false, range: [-0.6, rows.length - 0.4] },
            y: { range: [0, Math.ceil(top * 1.15)] },
          },
          axes: [
            {
              font: axisFont,
              splits: () => index,
              values: (_u, splits) => splits.map((i) => rows[i]?.name ?? ''),
              rotate: slanted ? -35 : 0,
              size: slanted ? 110 : 40,
              gap: 4,
            },
            { font: axisFont, values: (_u, splits) => splits.map((v) => number(v, 0)) },
          ],
          series: [
            {},
            {
              label: labels.hazardous,
              stroke: colours.muted,
              fill: colours.border,
              paths: bars(-1),
              points: { show: false },
            },
            {
              label: labels.monitored,
              stroke: colours.accent,
              fill: colours.accent,
              paths: bars(1),
              points: { show: false },
            },
          ],
        },
        [index, rows.map((r) => r.hazardous), rows.map((r) => r.monitored)],
        container,
      ),
  )
}
