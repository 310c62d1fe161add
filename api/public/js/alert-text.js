// @ts-check
// An alert in words: in Vietnamese composed from its fields, in English the server's message.
import { factorLabel, formatValue } from './format.js'
import { view } from './live-state.js'

/** The subject of an alert's message, by kind: "Tiếng ồn", "Liều ồn dự báo cuối ca", … */
function alertSubject(alert) {
  const factor = factorLabel(alert.factor)
  if (alert.kind === 'projected')
    return view.tr.t(alert.factor === 'noise' ? 'subject.projectedDose' : 'subject.projectedTwa', { factor })
  if (alert.kind === 'ceiling') return factor
  return view.tr.t(`subject.${alert.kind}`, { factor })
}

export function alertMessage(alert) {
  // The server's message is English; other languages compose it from the alert's fields.
  if (view.tr.language === 'en') return alert.message
  const relation = alert.value < alert.limit ? 'below' : 'above'
  return view.tr.t(`alert.${relation}`, {
    subject: alertSubject(alert),
    value: `${formatValue(alert.value)} ${alert.unit}`,
    threshold: view.tr.t(`threshold.${alert.level}`),
    limit: `${formatValue(alert.limit)} ${alert.unit}`,
  })
}
