// The Node-RED function node of the peer flow: the same job as quantrac's ingest, the Node-RED way. Checks
// each reading, applies the same limits (QT_LIMITS, from quantrac's QCVN profile), batches points for
// `influxdb batch` (5,000 points or 100 ms: bench/lib/section.ts STORE_BATCH, as ingest does) and sends alerts to output 2.
// bench/sections/peer.ts puts this declaration and a call to it into the node's code.
export function limitsNode(msg, node, context, env) {
  let limits = context.get('limits')
  if (limits === undefined) {
    limits = JSON.parse(env.get('QT_LIMITS'))
    context.set('limits', limits)
  }
  const parts = msg.topic.split('/')
  const facility = parts[3]
  const sensor = parts[4]
  const payload = msg.payload
  if (payload === null || typeof payload !== 'object' || facility === undefined || sensor === undefined)
    return null
  const items = Array.isArray(payload.readings) ? payload.readings : [payload]
  const now = Date.now()
  const buffer = context.get('buffer') || []
  const alerts = []
  for (const item of items) {
    if (typeof item.factor !== 'string' || typeof item.value !== 'number' || !Number.isFinite(item.value))
      continue
    const ts = item.ts ?? payload.ts
    const time = ts === undefined ? now : typeof ts === 'number' ? ts : Date.parse(ts)
    buffer.push({
      measurement: 'reading',
      tags: { facility, factor: item.factor, sensor },
      fields: { value: item.value },
      timestamp: time,
    })
    const limit = limits[item.factor]
    if (limit === undefined) continue
    const over =
      (limit.idlh !== undefined && item.value >= limit.idlh) ||
      (limit.ceiling !== undefined && item.value > limit.ceiling)
    const under = limit.floor !== undefined && item.value < limit.floor
    if (over || under) {
      alerts.push({
        payload: JSON.stringify({
          facilityId: facility,
          sensorId: sensor,
          factor: item.factor,
          value: item.value,
          limit: over ? (limit.ceiling ?? limit.idlh) : limit.floor,
          time,
        }),
      })
    }
  }
  function flush() {
    const timer = context.get('timer')
    if (timer) clearTimeout(timer)
    context.set('timer', undefined)
    const points = context.get('buffer') || []
    context.set('buffer', [])
    if (points.length > 0) node.send([{ payload: points }, null])
  }
  context.set('buffer', buffer)
  if (buffer.length >= 5000) flush()
  else if (!context.get('timer')) context.set('timer', setTimeout(flush, 100))
  if (alerts.length > 0) node.send([null, alerts])
  return null
}
