import type { AlertEvent } from '../core/alert-lifecycle.ts'
import type { AlertKind, AlertLevel } from '../core/alerts.ts'
import { alertText, factorName, quantityText, sourceText } from '../core/messages/index.ts'
import type { Language, NotificationEvent } from '../core/notifications.ts'

/** What a message says where the alert is, beyond its own fields. */
export interface MessagePlace {
  facilityName: string
  zone?: string
}

export interface MessageLinks {
  /** The alert on the live page. */
  alertUrl: string
  /** The single-use acknowledge link, for an alert still to acknowledge. */
  ackUrl?: string
  ackExpiresAt?: number
}

const WORDS = {
  vi: {
    level: { warning: 'Cảnh báo', alarm: 'Báo động', critical: 'Nguy hiểm' } satisfies Record<
      AlertLevel,
      string
    >,
    kind: {
      ceiling: 'vượt giới hạn trần',
      stel: 'vượt giới hạn tiếp xúc ngắn (STEL, 15 phút)',
      twa: 'vượt giới hạn trung bình ca (TWA, 8 giờ)',
      dose: 'vượt liều ồn',
      projected: 'dự báo vượt giới hạn trung bình ca',
      'heat-stress': 'căng thẳng nhiệt',
      'sensor-offline': 'cảm biến mất kết nối',
      'sensor-fault': 'cảm biến lỗi',
    } satisfies Record<AlertKind, string>,
    event: {
      'alert.opened': 'Cảnh báo mới',
      'alert.escalated': 'Cảnh báo tăng mức',
      'alert.acknowledged': 'Đã có người nhận xử lý',
      'alert.cleared': 'Đã trở lại trong giới hạn',
      'alert.resolved': 'Đã đóng cảnh báo',
    } satisfies Record<NotificationEvent, string>,
    where: 'Ở đâu',
    zone: 'khu vực',
    sensor: 'cảm biến',
    value: 'Giá trị',
    against: 'so với giới hạn',
    since: 'Từ lúc',
    localTime: 'giờ Việt Nam',
    by: 'Người nhận xử lý',
    note: 'ghi chú',
    view: 'Xem trên trang giám sát',
    ack: 'Xác nhận đã nhận (liên kết dùng một lần, hết hạn',
    locale: 'vi-VN',
  },
  en: {
    level: { warning: 'Warning', alarm: 'Alarm', critical: 'Critical' } satisfies Record<AlertLevel, string>,
    kind: {
      ceiling: 'above the ceiling limit',
      stel: 'above the short-term limit (STEL, 15 min)',
      twa: 'above the shift-average limit (TWA, 8 h)',
      dose: 'noise dose exceeded',
      projected: 'projected to exceed the shift-average limit',
      'heat-stress': 'heat stress',
      'sensor-offline': 'sensor offline',
      'sensor-fault': 'sensor fault',
    } satisfies Record<AlertKind, string>,
    event: {
      'alert.opened': 'New alert',
      'alert.escalated': 'Alert escalated',
      'alert.acknowledged': 'Taken by someone',
      'alert.cleared': 'Back within the limit',
      'alert.resolved': 'Alert closed',
    } satisfies Record<NotificationEvent, string>,
    where: 'Where',
    zone: 'zone',
    sensor: 'sensor',
    value: 'Value',
    against: 'against the limit',
    since: 'Since',
    localTime: 'Vietnam time',
    by: 'Taken by',
    note: 'note',
    view: 'See it on the live page',
    ack: 'Acknowledge (single-use link, expires',
    locale: 'en-GB',
  },
} as const

function time(at: number, language: Language): string {
  return new Intl.DateTimeFormat(WORDS[language].locale, {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(at)
}

/** The subject and plain text of a notification, in the channel's language. */
export function renderMessage(
  event: NotificationEvent,
  logged: AlertEvent,
  place: MessagePlace,
  links: MessageLinks,
  language: Language,
): { subject: string; text: string } {
  const words = WORDS[language]
  const { alert } = logged
  const factor = factorName(alert.factor, language)
  const level = words.level[alert.level]
  const subject = `[quantrac] ${words.event[event]} · ${level}: ${factor} ${words.kind[alert.kind]} · ${place.facilityName}`
  const where = [
    place.facilityName,
    place.zone && `${words.zone} ${place.zone}`,
    `${words.sensor} ${alert.sensorId}`,
  ]
    .filter(Boolean)
    .join(' · ')
  const lines = [
    `${words.event[event]}: ${level} — ${factor} ${words.kind[alert.kind]}`,
    alertText(alert, language),
    '',
    `${words.where}: ${where}`,
    `${words.value}: ${quantityText(alert.value, alert.unit, language)} ${words.against} ${quantityText(alert.limit, alert.unit, language)} (${sourceText(alert.source, language)})`,
    `${words.since}: ${time(alert.openedAt, language)} (${words.localTime})`,
  ]
  if (logged.by !== undefined) {
    const note = logged.note === undefined ? '' : ` — ${words.note}: ${logged.note}`
    lines.push(`${words.by}: ${logged.by.name}, ${time(logged.at, language)}${note}`)
  }
  lines.push('', `${words.view}: ${links.alertUrl}`)
  if (links.ackUrl !== undefined) {
    lines.push(`${words.ack} ${time(links.ackExpiresAt ?? logged.at, language)}): ${links.ackUrl}`)
  }
  return { subject, text: lines.join('\n') }
}
