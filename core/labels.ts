import type { ResolutionReason } from './alerts.ts'
import type { MonitoringFactor } from './campaigns.ts'

/**
 * What a person reads for each factor and each reason to close an alert, in Vietnamese and English. The
 * English factor names are core/factors.ts's and core/campaigns.ts's labels; GET /api/v1/factors serves
 * both languages, so the pages show what the API and the reports say instead of a copy of their own.
 */
export const FACTOR_LABELS_VI: Record<MonitoringFactor, string> = {
  noise: 'Tiếng ồn',
  'dust.total': 'Bụi toàn phần',
  'dust.respirable': 'Bụi hô hấp',
  'gas.co': 'Cacbon monoxit (CO)',
  'gas.h2s': 'Hydro sunfua (H₂S)',
  'gas.nh3': 'Amoniac (NH₃)',
  'gas.so2': 'Lưu huỳnh đioxit (SO₂)',
  'gas.no2': 'Nitơ đioxit (NO₂)',
  'gas.cl2': 'Clo (Cl₂)',
  'gas.co2': 'Cacbon đioxit (CO₂)',
  'gas.o2': 'Oxy (O₂)',
  'gas.lel': 'Khí cháy (% LEL)',
  temperature: 'Nhiệt độ không khí',
  humidity: 'Độ ẩm tương đối',
  wbgt: 'Chỉ số nhiệt WBGT',
  'air-speed': 'Tốc độ gió',
  light: 'Ánh sáng',
  vibration: 'Rung',
  radiation: 'Phóng xạ',
  'electromagnetic-field': 'Điện từ trường',
  'dust.silica': 'Bụi silic',
  'dust.other': 'Bụi khác',
  'gas.other': 'Hơi khí độc khác',
  other: 'Yếu tố khác',
}

export const RESOLUTION_REASON_LABELS: Record<ResolutionReason, { en: string; vi: string }> = {
  'false-alarm': { en: 'False alarm', vi: 'Báo động nhầm' },
  'sensor-fault': { en: 'Sensor fault', vi: 'Cảm biến lỗi' },
  'ventilation-fixed': { en: 'Ventilation fixed', vi: 'Đã khắc phục thông gió' },
  'ppe-issued': { en: 'Protective equipment issued', vi: 'Đã cấp phương tiện bảo vệ cá nhân' },
  'process-stopped': { en: 'Process stopped', vi: 'Đã dừng công đoạn' },
  other: { en: 'Other (say what in the note)', vi: 'Khác (ghi rõ trong ghi chú)' },
}
