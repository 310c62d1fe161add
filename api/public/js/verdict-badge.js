// @ts-check
// The verdict beside an exposure figure (core/exposure/verdicts.ts): exceeds, within or insufficient data,
// with the reasons on hover (title) and on tap (a <details> that opens), in the page's language.
import { element } from './dom.js'

/** A badge for one judged figure `{ verdict, reasons: [{ code, message, texts }], basis }`. */
export function verdictBadge(judged, tr) {
  const badge = element('details', 'verdict')
  badge.dataset.verdict = judged.verdict
  const label = element('summary', 'verdict-label', tr.t(`verdict.${judged.verdict}`))
  // The API words each reason in both languages, with the figures of its basis (core/messages).
  const reasons = judged.reasons.map((reason) => reason.texts[tr.language])
  badge.title = reasons.join('\n')
  const list = element('ul', 'verdict-reasons')
  for (const [i, text] of reasons.entries()) {
    const item = element('li', undefined, text)
    item.dataset.code = judged.reasons[i].code
    list.append(item)
  }
  badge.append(label, list)
  return badge
}
