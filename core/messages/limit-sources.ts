import type { Language } from './language.ts'

/**
 * Vietnamese for the words of the limit tables' sources (core/limits) and of quantrac's own rules
 * (core/exposure/signals.ts). The tables keep one English source beside each value, as the regulations are
 * cited; these phrases translate it, longest first, leaving the citation itself (QCVN 24:2016/BYT,
 * 29 CFR 1910.95) as it is written. test/core/messages/limit-sources.test.ts fails when a source of any
 * profile or rule keeps an English word in Vietnamese. A facility's own override source is its own words and
 * passes through as typed.
 */
const PHRASES_VI: readonly (readonly [RegExp, string])[] = [
  // quantrac's own rules
  [
    /quantrac: a sensor silent for three of its reporting intervals is offline/,
    'quantrac: cảm biến không gửi số liệu trong ba chu kỳ báo cáo của nó được coi là mất tín hiệu',
  ],
  [/quantrac: reading outside the factor range/, 'quantrac: số đo nằm ngoài khoảng đo được của yếu tố'],
  // QCVN 24:2016/BYT (noise), 26:2016/BYT (microclimate), 02:2019/BYT (dust)
  [/Max at no moment above (\d+) dBA/, 'mức tối đa không được vượt quá $1 dBA tại bất kỳ thời điểm nào'],
  [/3 dB per halving of time/, 'tăng 3 dB thì thời gian cho phép giảm một nửa'],
  [/production positions/, 'vị trí lao động sản xuất trực tiếp'],
  [/administrative rooms/, 'phòng hành chính, kế hoạch, kế toán'],
  [/intellectual work rooms/, 'phòng lao động trí óc, thiết kế, thống kê, lập trình'],
  [/upper bound/, 'giới hạn trên'],
  [/lower bound/, 'giới hạn dưới'],
  [/relative humidity/, 'độ ẩm tương đối'],
  [/coal dust, respirable, free SiO₂/, 'bụi than, bụi hô hấp, SiO₂ tự do'],
  // ISO 7243 (WBGT)
  [/metabolic rate class (\d)/, 'mức chuyển hóa loại $1'],
  [/very high metabolic rate, no sensible air movement/, 'chuyển hóa rất cao, không có gió đáng kể'],
  [/high metabolic rate, no sensible air movement/, 'chuyển hóa cao, không có gió đáng kể'],
  [/moderate metabolic rate/, 'chuyển hóa trung bình'],
  [/low metabolic rate/, 'chuyển hóa thấp'],
  [/\(resting\)/, '(nghỉ ngơi)'],
  [/default work class/, 'loại lao động mặc định'],
  [/taken for QCVN 26 (\w+) work/, 'áp dụng cho lao động $1 theo QCVN 26'],
  [/not acclimatised/, 'người lao động chưa thích nghi'],
  [/acclimatised/, 'người lao động đã thích nghi'],
  // OSHA, NIOSH, EU
  [/oxygen deficient atmosphere/, 'môi trường thiếu oxy'],
  [
    /hazardous atmosphere: flammable gas above (\d+) % of LFL/,
    'môi trường nguy hiểm: khí cháy trên $1 % LFL',
  ],
  [/levels from (\d+) dBA enter the PEL dose/, 'mức từ $1 dBA được tính vào liều PEL'],
  [/levels from (\d+) dBA enter the action-level dose/, 'mức từ $1 dBA được tính vào liều của mức hành động'],
  [/action level (\d+) dBA TWA \((\d+) % dose\)/, 'mức hành động $1 dBA TWA (liều $2 %)'],
  [/(\d+) dBA, 0\.25 h or less, highest level/, '$1 dBA, từ 0,25 giờ trở xuống, mức cao nhất'],
  [/particulates not otherwise regulated/, 'bụi chưa được quy định riêng'],
  [/total dust/, 'bụi toàn phần'],
  [/respirable fraction/, 'phần bụi hô hấp'],
  [/acceptable ceiling/, 'giới hạn trần chấp nhận được'],
  [/\((C)\)/, '(trần)'],
  [/\(noise, /, '(tiếng ồn, '],
  [/(\d+) dBA, 8-h TWA/, '$1 dBA, TWA 8 giờ'],
  [/(\d+) dB exchange rate/, 'hệ số trao đổi $1 dB'],
  [/C 0\.5 ppm \[15-minute\]/, 'C 0,5 ppm [15 phút]'],
  [/\[(\d+)-minute\]/, '[$1 phút]'],
  [/lower exposure action value/, 'giá trị hành động tiếp xúc dưới'],
  [/exposure limit value/, 'giá trị giới hạn tiếp xúc'],
  [/LEX,8h is equal-energy/, 'LEX,8h theo nguyên tắc năng lượng tương đương'],
  // chemical names (QCVN 03:2019/BYT and the US tables)
  [/carbon monoxide/, 'cacbon monoxit'],
  [/carbon dioxide/, 'cacbon đioxit'],
  [/nitrogen dioxide/, 'nitơ đioxit'],
  [/sulfur dioxide/, 'lưu huỳnh đioxit'],
  [/hydrogen sulfide/, 'hydro sunfua'],
  [/ammonia/, 'amoniac'],
  [/chlorine/, 'clo'],
  // the parts of a citation
  [/\blight work\b/, 'lao động nhẹ'],
  [/\bmedium work\b/, 'lao động vừa'],
  [/\bheavy work\b/, 'lao động nặng'],
  [/lao động light/, 'lao động nhẹ'],
  [/lao động medium/, 'lao động vừa'],
  [/lao động heavy/, 'lao động nặng'],
  [/^Directive /, 'Chỉ thị '],
  [/\bAnnex ([A-Z])/, 'Phụ lục $1'],
  [/\bAppendix ([A-Z])/, 'Phụ lục $1'],
  [/\bArt\. /, 'Điều '],
  [/\bTable\b/g, 'Bảng'],
  [/\brow (\d+)/, 'dòng $1'],
  [/, 8 h$/, ', 8 giờ'],
  [/ and /g, ' và '],
]

/** A limit's or a rule's source in the language: the citation as written, its words translated. */
export function sourceText(source: string, language: Language): string {
  if (language === 'en') return source
  let text = source
  for (const [pattern, replacement] of PHRASES_VI) text = text.replace(pattern, replacement)
  return text
}
