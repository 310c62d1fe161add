import type { Alert } from '../../core/alerts.ts'

/** An open noise ceiling alarm with the register's fields, for tests that only care about some of them. */
export function testAlert(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    facilityId: 'fac-1',
    sensorId: 's1',
    factor: 'noise',
    kind: 'ceiling',
    level: 'alarm',
    state: 'open',
    value: 118,
    limit: 115,
    unit: 'dBA',
    source: 'QCVN 24:2016/BYT',
    message: 'too loud',
    openedAt: 1000,
    updatedAt: 1000,
    ...overrides,
  }
}
