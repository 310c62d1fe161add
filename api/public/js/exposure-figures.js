// @ts-check
// The time-weighted figures under a tile's value (STEL, TWA, dose, LEX,8h, WBGT mean), each with its bar and
// verdict badge, and the shift they are judged on.
import { element } from './dom.js'
import { formatPercent, formatValue } from './format.js'
import { assess, statusOf } from './gauge.js'
import { view } from './live-state.js'
import { verdictBadge } from './verdict-badge.js'

/**
 * The time-weighted figures of a tile, each next to the limit it is judged by: STEL and 8-h TWA for gases
 * and dust, the dose for noise. A figure whose factor has no such limit in the profile (a TWA of air
 * temperature) is left out, and a tile with none shows no exposure block.
 */
export function renderExposure(container, tile, limits, unit) {
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
    view.tr.t('exposure.coverage', { percent: `${view.tr.number(100 * point.coverage, 0)} %` }),
  )
  coverage.title = view.tr.t('exposure.shift', { time: view.tr.time(point.shiftStart) })
  container.replaceChildren(...rows, coverage)
  if (point.shift !== undefined) container.append(shiftLine(point.shift))
}

/** The shift the figures are judged on, in the facility's local time as its pattern declares it. */
function shiftLine(shift) {
  // "2026-11-30T07:30:00+07:00": the local clock time is the text itself, whatever the browser's zone.
  const line = element(
    'p',
    'exposure-shift',
    view.tr.t('exposure.shiftWindow', {
      start: shift.start.slice(11, 16),
      end: shift.end.slice(11, 16),
      hours: view.tr.number(shift.hours, shift.hours % 1 === 0 ? 0 : 1),
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
  const term = element('dt', undefined, view.tr.t(`exposure.${kind}`))
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
  if (verdicts.figure !== undefined) row.append(verdictCell(verdictBadge(verdicts.figure, view.tr)))
  if (projected !== undefined) {
    const ahead = element(
      'dd',
      'exposure-projected',
      view.tr.t('exposure.projected', { value: formatProjected(projected) }),
    )
    ahead.dataset.status = statusOf(projected)
    row.append(ahead)
    if (verdicts.projected !== undefined) {
      const badge = verdictBadge(verdicts.projected, view.tr)
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
