const PLUS = 0x2b
const HASH = 0x23
const DOLLAR = 0x24

function levelEnd(text: string, start: number): number {
  const slash = text.indexOf('/', start)
  return slash === -1 ? text.length : slash
}

function sameLevel(filter: string, f: number, fEnd: number, topic: string, t: number, tEnd: number): boolean {
  if (fEnd - f !== tEnd - t) return false
  for (let i = 0; i < fEnd - f; i++) if (filter.charCodeAt(f + i) !== topic.charCodeAt(t + i)) return false
  return true
}

/**
 * Whether a topic name matches a subscription filter [MQTT-4.7]. Runs on every publish the embedded broker
 * hands to ingest, so it walks both strings in place instead of splitting them.
 */
export function topicMatches(filter: string, topic: string): boolean {
  // Wildcards at the first level do not match topics starting with $ [MQTT-4.7.2-1].
  const first = filter.charCodeAt(0)
  if (topic.charCodeAt(0) === DOLLAR && (first === PLUS || first === HASH)) return false
  let f = 0
  let t = 0
  for (;;) {
    const fEnd = levelEnd(filter, f)
    const wildcard = fEnd - f === 1 ? filter.charCodeAt(f) : 0
    // '#' matches its parent level and every level below [MQTT-4.7.1-2].
    if (wildcard === HASH) return true
    const tEnd = levelEnd(topic, t)
    if (wildcard !== PLUS && !sameLevel(filter, f, fEnd, topic, t, tEnd)) return false
    const filterDone = fEnd === filter.length
    const topicDone = tEnd === topic.length
    if (filterDone || topicDone) {
      if (filterDone) return topicDone
      return filter.length === fEnd + 2 && filter.charCodeAt(fEnd + 1) === HASH
    }
    f = fEnd + 1
    t = tEnd + 1
  }
}
