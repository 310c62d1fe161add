// @ts-check
// How the live page writes values, limits and factors in the page's language.
import { digitsFor } from './gauge.js'
import { state, view } from './live-state.js'

export function factorLabel(factor) {
  return view.tr.factorLabel(factor, state.limits.get(factor)?.label)
}

export function unitOf(factor) {
  return state.limits.get(factor)?.unit ?? ''
}

export function formatValue(value) {
  return view.tr.number(value, digitsFor(value))
}

export function formatLimit(assessment, unit) {
  const value =
    assessment.kind === 'band'
      ? `${formatValue(assessment.limit)}–${formatValue(assessment.upper)}`
      : formatValue(assessment.limit)
  return `${view.tr.t(`limit.${assessment.kind}`)} ${value} ${unit}`
}

export function formatPercent(percent) {
  if (percent > 999) return '>999 %'
  return `${view.tr.number(percent, 0)} %`
}

const LIMIT_KINDS = ['ceiling', 'stel', 'twa', 'floor', 'idlh', 'hourMean']

export function hasAnyLimit(limits) {
  return LIMIT_KINDS.some((kind) => limits[kind] !== undefined)
}

export function describeLimits(limits, unit) {
  return LIMIT_KINDS.filter((kind) => limits[kind] !== undefined)
    .map((kind) => `${view.tr.t(`limit.${kind}`)} ${formatValue(limits[kind].value)} ${unit}`)
    .join(' · ')
}

export function limitSources(limits) {
  return LIMIT_KINDS.filter((kind) => limits[kind] !== undefined)
    .map((kind) => `${view.tr.t(`limit.${kind}`)}: ${limits[kind].sources[view.tr.language]}`)
    .join('\n')
}
