// What quantrac writes for people, in Vietnamese and English: alerts, limit sources and rule texts, names.
// Pure: the API puts these in its answers, notification templates call them. The page's own labels are in
// api/public/js/i18n.js.
export { type AlertWords, alertText, alertTexts } from './alert-text.ts'
export { fill, LANGUAGES, type Language, numberText, quantityText } from './language.ts'
export { sourceText } from './limit-sources.ts'
export { factorName, profileName } from './names.ts'
export { reasonsWithTexts, reasonText } from './verdict-reasons.ts'
