// @ts-check
// An alert in words: the API and the live feed send it in each language (`texts`, core/messages), from the
// alert's fields, so the page, the notifications and the API read the same in Vietnamese and in English.
import { view } from './live-state.js'

export function alertMessage(alert) {
  return alert.texts[view.tr.language].message
}
