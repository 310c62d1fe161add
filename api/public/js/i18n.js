// @ts-check
// Labels of the live page in Vietnamese and English. Keys are the same in both; a missing Vietnamese key
// falls back to English, a missing English key shows the key itself, so a gap is visible but never blank.
// Factor names come with the factor catalogue the page loads from the API (factors.js).
import { factorLabelIn } from './factors.js'

/** @type {Record<'en' | 'vi', Record<string, string>>} */
export const STRINGS = {
  en: {
    title: 'Live workplace monitoring',
    facility: 'Facility',
    language: 'Language',
    connecting: 'Connecting…',
    live: 'Live',
    reconnecting: 'Reconnecting…',
    loadFailed: 'Could not load data from the server. Retrying…',
    noFacilities: 'No facility is registered yet.',
    noSensors: 'This facility has no sensors.',
    sensors: 'Sensors',
    alerts: 'Active alerts',
    unacknowledged: 'Not acknowledged: {count}',
    noAlerts: 'No active alerts.',
    offline: 'Offline',
    offlineSince: 'No report since {time}',
    noData: 'No data yet',
    updated: 'Updated {time}',
    zone: 'Zone',
    ofLimit: '{percent} of {limit}',
    noLimit: 'No limit in this profile',
    profile: 'Limits: {name}',
    'limit.twa': '8-h TWA',
    'limit.stel': 'STEL 15 min',
    'limit.ceiling': 'Maximum',
    'limit.floor': 'Minimum',
    'limit.idlh': 'IDLH',
    'limit.hourMean': '1-h limit',
    'limit.band': 'Range',
    'level.warning': 'Warning',
    'level.alarm': 'Alarm',
    'level.critical': 'Critical',
    'state.open': 'Open',
    'state.acknowledged': 'Acknowledged',
    'state.cleared': 'Cleared',
    'state.resolved': 'Resolved',
    'kind.ceiling': 'Instant limit',
    'kind.stel': 'STEL',
    'kind.twa': 'TWA',
    'kind.dose': 'Dose',
    'kind.projected': 'Projected dose',
    'kind.sensor-offline': 'Sensor offline',
    'kind.sensor-fault': 'Sensor fault',
    'kind.heat-stress': 'Heat stress',
    acknowledge: 'Acknowledge',
    acknowledgedBy: 'Acknowledged by {by} at {time} ({level})',
    escalatedSince: 'Escalated to {level} since it was acknowledged',
    ackTitle: 'Acknowledge alert',
    ackAsKey: 'Recorded under the name of the API key you signed in with.',
    ackNote: 'Note (optional)',
    ackNotePlaceholder: 'What was done, e.g. ear protection checked',
    ackSubmit: 'Acknowledge',
    cancel: 'Cancel',
    acknowledgeConflict: 'This alert was already acknowledged at this level, or has closed.',
    acknowledgeFailed: 'Acknowledgement failed: {message}',
    resolve: 'Resolve',
    resolveTitle: 'Close alert',
    resolveReason: 'Reason',
    resolveNote: 'Note',
    resolveSubmit: 'Close alert',
    resolveConflict: 'This alert was already resolved.',
    resolveFailed: 'Could not close the alert: {message}',
    notAllowed: 'This API key may not do that.',
    noticeEscalated: 'An alert you acknowledged escalated to {level}: {message}',
    dismiss: 'Dismiss',
    openedAt: 'Since {time}',
    limitSource: 'Limit {limit} · {source}',
    'alert.above': '{subject} {value} is above the {threshold} of {limit}',
    'alert.below': '{subject} {value} is below the {threshold} of {limit}',
    'threshold.warning': 'warning level',
    'threshold.alarm': 'limit',
    'threshold.critical': 'danger level',
    'subject.stel': '{factor} 15-min mean',
    'subject.twa': '{factor} 8-h TWA',
    'subject.dose': 'Noise dose',
    'subject.projectedDose': 'Projected end-of-shift noise dose',
    'subject.projectedTwa': '{factor} projected end-of-shift TWA',
    'subject.sensor-offline': 'Time since last reading',
    'subject.sensor-fault': 'Readings out of the physical range',
    'subject.heat-stress': '{factor} 1-h mean',
    signOut: 'Sign out',
    coverageReport: 'Coverage report',
    keyTitle: 'Sign in with an API key',
    keyHelp: 'The server asks for an API key. It is kept in this browser until you sign out.',
    keyLabel: 'API key',
    keySubmit: 'Sign in',
    sensorDetails: 'Details and refused messages of sensor {id}',
    sensorTitle: 'Sensor {id}',
    sensorZone: 'Zone',
    sensorModel: 'Model',
    sensorFactors: 'Measures',
    sensorStatus: 'Status',
    'sensorStatus.active': 'In service',
    'sensorStatus.decommissioned': 'Decommissioned',
    sensorLastSeen: 'Last reading',
    sensorCalibrationDue: 'Calibration due',
    overdue: 'overdue',
    never: 'never',
    loading: 'Loading…',
    close: 'Close',
    rejectionsTitle: 'Recently refused messages',
    noRejections: 'No message from this sensor was refused lately.',
    rejectionsShown: 'The newest {shown} of {total} refused messages kept:',
    rejectionsNotForKey: 'Refused messages are shown to the facility’s contractors and officers.',
    'reason.unknown-sensor': 'Wrong facility or sensor',
    'reason.decommissioned': 'Decommissioned',
    'reason.too-large': 'Too large',
    'reason.utf8': 'Not UTF-8',
    'reason.json': 'Not JSON',
    'reason.schema': 'Wrong format',
    'reason.unit': 'Wrong unit',
    'reason.range': 'Impossible value',
    'reason.timestamp': 'Wrong time',
    'reason.unregistered-factor': 'Factor not registered',
    'reason.rate-limited': 'Too many messages',
    keyRefused: 'The server refused the key: check it, or ask for a new one.',
    'exposure.stel': 'STEL (15 min)',
    'exposure.twa': '8-h TWA so far',
    'exposure.dose': 'Noise dose so far',
    'exposure.lex': 'LEX,8h',
    'exposure.hourMean': 'WBGT 1-h mean',
    wbgtEstimated: 'Estimated from temperature and humidity',
    'exposure.projected': 'Projected at shift end: {value}',
    'exposure.coverage': 'Readings cover {percent} of the shift',
    'exposure.shift': 'Shift started {time}',
    'exposure.shiftWindow': 'Shift {start}–{end} ({hours} h, facility time)',
    'verdict.exceeds': 'exceeds',
    'verdict.within': 'within',
    'verdict.insufficient-data': 'insufficient data',
    'verdictReason.measured-exceedance':
      'Exceeded on the measured time alone ({measured}), unmeasured time counted as zero: certain',
    'verdictReason.projection-exceeds':
      'The end-of-shift projection exceeds the limit, on a sufficient basis',
    'verdictReason.basis-sufficient': 'Within the limit, with {share} of the time measured',
    'verdictReason.no-value': 'No value yet: too little of its window was measured',
    'verdictReason.measured-below-minimum': 'Measured {measured}: at least 2 h are needed (EN 689)',
    'verdictReason.share-below-minimum':
      'Readings cover {share} of {window}: 87.5 % are needed (OSHA: 7 of 8 hours)',
    'verdictReason.gap-too-long': 'Readings missing for {gap} at a stretch: at most 1 h',
    'verdictReason.calibration-lapsed': "The sensor's calibration is past due",
    'verdictReason.calibration-unknown': 'No calibration date is registered for the sensor',
    'verdictReason.sensor-fault': 'The sensor reports a fault',
  },
  vi: {
    title: 'Giám sát môi trường lao động trực tuyến',
    facility: 'Cơ sở',
    language: 'Ngôn ngữ',
    connecting: 'Đang kết nối…',
    live: 'Trực tuyến',
    reconnecting: 'Đang kết nối lại…',
    loadFailed: 'Không tải được dữ liệu từ máy chủ. Đang thử lại…',
    noFacilities: 'Chưa có cơ sở nào được đăng ký.',
    noSensors: 'Cơ sở này chưa có cảm biến.',
    sensors: 'Cảm biến',
    alerts: 'Cảnh báo hiện hành',
    unacknowledged: 'Chưa xác nhận: {count}',
    noAlerts: 'Không có cảnh báo.',
    offline: 'Mất tín hiệu',
    offlineSince: 'Không có số liệu từ {time}',
    noData: 'Chưa có số liệu',
    updated: 'Cập nhật {time}',
    zone: 'Khu vực',
    ofLimit: '{percent} của {limit}',
    noLimit: 'Bộ tiêu chuẩn không quy định giới hạn',
    profile: 'Giới hạn theo: {name}',
    'limit.twa': 'TWA 8 giờ',
    'limit.stel': 'STEL 15 phút',
    'limit.ceiling': 'Mức tối đa',
    'limit.floor': 'Mức tối thiểu',
    'limit.idlh': 'IDLH',
    'limit.hourMean': 'Giới hạn 1 giờ',
    'limit.band': 'Khoảng cho phép',
    'level.warning': 'Cảnh báo',
    'level.alarm': 'Báo động',
    'level.critical': 'Nguy hiểm',
    'state.open': 'Đang mở',
    'state.acknowledged': 'Đã xác nhận',
    'state.cleared': 'Đã kết thúc',
    'state.resolved': 'Đã đóng',
    'kind.ceiling': 'Vượt giới hạn tức thời',
    'kind.stel': 'STEL',
    'kind.twa': 'TWA',
    'kind.dose': 'Liều tiếp xúc',
    'kind.projected': 'Liều dự báo',
    'kind.sensor-offline': 'Cảm biến mất tín hiệu',
    'kind.sensor-fault': 'Cảm biến lỗi',
    'kind.heat-stress': 'Căng thẳng nhiệt',
    acknowledge: 'Xác nhận',
    acknowledgedBy: 'Đã xác nhận bởi {by} lúc {time} ({level})',
    escalatedSince: 'Đã tăng lên mức {level} sau khi được xác nhận',
    ackTitle: 'Xác nhận cảnh báo',
    ackAsKey: 'Ghi nhận dưới tên của khóa API đang đăng nhập.',
    ackNote: 'Ghi chú (không bắt buộc)',
    ackNotePlaceholder: 'Đã xử lý thế nào, ví dụ: đã kiểm tra nút tai chống ồn',
    ackSubmit: 'Xác nhận',
    cancel: 'Hủy',
    acknowledgeConflict: 'Cảnh báo này đã được xác nhận ở mức này, hoặc đã đóng.',
    acknowledgeFailed: 'Không xác nhận được: {message}',
    resolve: 'Đóng',
    resolveTitle: 'Đóng cảnh báo',
    resolveReason: 'Lý do',
    resolveNote: 'Ghi chú',
    resolveSubmit: 'Đóng cảnh báo',
    resolveConflict: 'Cảnh báo này đã được đóng.',
    resolveFailed: 'Không đóng được cảnh báo: {message}',
    notAllowed: 'Khóa API này không có quyền làm việc đó.',
    noticeEscalated: 'Cảnh báo bạn đã xác nhận đã tăng lên mức {level}: {message}',
    dismiss: 'Đóng thông báo',
    openedAt: 'Từ {time}',
    limitSource: 'Giới hạn {limit} · {source}',
    'alert.above': '{subject} {value} vượt {threshold} {limit}',
    'alert.below': '{subject} {value} thấp hơn {threshold} {limit}',
    'threshold.warning': 'ngưỡng cảnh báo',
    'threshold.alarm': 'giới hạn',
    'threshold.critical': 'ngưỡng nguy hiểm',
    'subject.stel': '{factor} trung bình 15 phút',
    'subject.twa': '{factor} TWA 8 giờ',
    'subject.dose': 'Liều ồn',
    'subject.projectedDose': 'Liều ồn dự báo cuối ca',
    'subject.projectedTwa': '{factor} TWA dự báo cuối ca',
    'subject.sensor-offline': 'Thời gian không có số liệu',
    'subject.sensor-fault': 'Tỷ lệ số liệu ngoài khoảng đo',
    'subject.heat-stress': '{factor} trung bình 1 giờ',
    signOut: 'Đăng xuất',
    coverageReport: 'Báo cáo quan trắc',
    keyTitle: 'Đăng nhập bằng khóa API',
    keyHelp: 'Máy chủ yêu cầu khóa API. Khóa được lưu trên trình duyệt này cho đến khi đăng xuất.',
    keyLabel: 'Khóa API',
    keySubmit: 'Đăng nhập',
    sensorDetails: 'Thông tin và bản tin bị từ chối của cảm biến {id}',
    sensorTitle: 'Cảm biến {id}',
    sensorZone: 'Khu vực',
    sensorModel: 'Kiểu thiết bị',
    sensorFactors: 'Đo',
    sensorStatus: 'Trạng thái',
    'sensorStatus.active': 'Đang hoạt động',
    'sensorStatus.decommissioned': 'Đã ngừng sử dụng',
    sensorLastSeen: 'Số đo gần nhất',
    sensorCalibrationDue: 'Hạn hiệu chuẩn',
    overdue: 'quá hạn',
    never: 'chưa có',
    loading: 'Đang tải…',
    close: 'Đóng',
    rejectionsTitle: 'Bản tin bị từ chối gần đây',
    noRejections: 'Gần đây không có bản tin nào của cảm biến này bị từ chối.',
    rejectionsShown: '{shown} bản tin mới nhất trong {total} bản tin bị từ chối được lưu:',
    rejectionsNotForKey: 'Bản tin bị từ chối chỉ hiển thị cho đơn vị quan trắc và cán bộ an toàn của cơ sở.',
    'reason.unknown-sensor': 'Sai cơ sở hoặc cảm biến',
    'reason.decommissioned': 'Đã ngừng sử dụng',
    'reason.too-large': 'Quá lớn',
    'reason.utf8': 'Không phải UTF-8',
    'reason.json': 'Không phải JSON',
    'reason.schema': 'Sai định dạng',
    'reason.unit': 'Sai đơn vị',
    'reason.range': 'Giá trị không thể có',
    'reason.timestamp': 'Sai thời gian',
    'reason.unregistered-factor': 'Yếu tố chưa đăng ký',
    'reason.rate-limited': 'Gửi quá nhiều',
    keyRefused: 'Máy chủ từ chối khóa này: hãy kiểm tra lại hoặc xin khóa mới.',
    'exposure.stel': 'STEL (15 phút)',
    'exposure.twa': 'TWA 8 giờ đến nay',
    'exposure.dose': 'Liều ồn đến nay',
    'exposure.lex': 'LEX,8h',
    'exposure.hourMean': 'WBGT trung bình 1 giờ',
    wbgtEstimated: 'Ước tính từ nhiệt độ và độ ẩm',
    'exposure.projected': 'Dự báo cuối ca: {value}',
    'exposure.coverage': 'Số liệu phủ {percent} ca làm việc',
    'exposure.shift': 'Ca bắt đầu lúc {time}',
    'exposure.shiftWindow': 'Ca {start}–{end} ({hours} giờ, giờ cơ sở)',
    'verdict.exceeds': 'vượt',
    'verdict.within': 'trong giới hạn',
    'verdict.insufficient-data': 'chưa đủ dữ liệu',
    'verdictReason.measured-exceedance':
      'Đã vượt chỉ tính thời gian đo được ({measured}), thời gian không đo tính bằng 0: chắc chắn',
    'verdictReason.projection-exceeds': 'Dự báo cuối ca vượt giới hạn, trên cơ sở đủ dữ liệu',
    'verdictReason.basis-sufficient': 'Trong giới hạn, với {share} thời gian đã đo',
    'verdictReason.no-value': 'Chưa có giá trị: đo chưa đủ trong khoảng thời gian của chỉ số',
    'verdictReason.measured-below-minimum': 'Mới đo {measured}: cần ít nhất 2 giờ (EN 689)',
    'verdictReason.share-below-minimum': 'Số liệu phủ {share} của {window}: cần 87,5 % (OSHA: 7 trên 8 giờ)',
    'verdictReason.gap-too-long': 'Mất số liệu liên tục {gap}: tối đa 1 giờ',
    'verdictReason.calibration-lapsed': 'Cảm biến đã quá hạn hiệu chuẩn',
    'verdictReason.calibration-unknown': 'Cảm biến chưa đăng ký ngày hiệu chuẩn',
    'verdictReason.sensor-fault': 'Cảm biến đang báo lỗi',
  },
}

export const LANGUAGES = ['vi', 'en']
const STORAGE_KEY = 'quantrac.language'

/** The saved choice, else Vietnamese for a browser whose language starts with `vi`, else English. */
export function initialLanguage() {
  const saved = safeStorage()?.getItem(STORAGE_KEY)
  if (saved !== null && saved !== undefined && LANGUAGES.includes(saved)) return saved
  return (navigator.language ?? '').toLowerCase().startsWith('vi') ? 'vi' : 'en'
}

/** @param {string} language */
export function saveLanguage(language) {
  safeStorage()?.setItem(STORAGE_KEY, language)
}

/** @param {string} language 'vi' or 'en'; any other reads English */
export function createTranslator(language) {
  const strings = (language === 'vi' || language === 'en' ? STRINGS[language] : undefined) ?? STRINGS.en
  const locale = language === 'vi' ? 'vi-VN' : 'en-GB'
  const numberFormats = new Map()
  const timeFormat = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
  const dateTimeFormat = new Intl.DateTimeFormat(locale, {
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })

  /**
   * @param {string} key
   * @param {Record<string, unknown>} [values]
   */
  function t(key, values = {}) {
    const template = strings[key] ?? STRINGS.en[key] ?? key
    return template.replace(/\{(\w+)\}/g, (/** @type {string} */ match, /** @type {string} */ name) =>
      name in values ? String(values[name]) : match,
    )
  }

  /**
   * @param {number} value
   * @param {number} digits
   */
  function number(value, digits) {
    let format = numberFormats.get(digits)
    if (format === undefined) {
      format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 })
      numberFormats.set(digits, format)
    }
    return format.format(value)
  }

  /** A time of today as hh:mm:ss; an older one with its date. */
  /** @param {Date | string | number} date */
  function time(date) {
    const d = date instanceof Date ? date : new Date(date)
    const today = new Date()
    return d.toDateString() === today.toDateString() ? timeFormat.format(d) : dateTimeFormat.format(d)
  }

  /**
   * A factor's name from the catalogue the page loaded (factors.js), else `fallback`, else its id.
   * @param {string} factor
   * @param {string} [fallback]
   */
  function factorLabel(factor, fallback) {
    return factorLabelIn(language, factor) ?? fallback ?? factor
  }

  return { language, locale, t, number, time, factorLabel }
}

function safeStorage() {
  try {
    return window.localStorage
  } catch {
    // Storage can be refused (privacy settings, sandboxed frames): the page works without remembering.
    return undefined
  }
}
