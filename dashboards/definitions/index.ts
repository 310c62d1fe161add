import type { Dashboard } from '@grafana/schema'
import { alertsTimeline } from './alerts.ts'
import { coverage } from './coverage.ts'
import { facilityOverview } from './facility-overview.ts'
import { sensorDetail } from './sensor-detail.ts'

/** Every provisioned dashboard, by the name of its JSON file in dashboards/grafana/dashboards/. */
export function dashboards(): Record<string, Dashboard> {
  return {
    'facility-overview.json': facilityOverview(),
    'sensor-detail.json': sensorDetail(),
    'alerts-timeline.json': alertsTimeline(),
    'regulator-coverage.json': coverage(),
  }
}
