import type { AccountTokenPurpose } from '../registry/types.ts'
import type { AccountSettings } from './config.ts'
import { HttpError } from './http-errors.ts'

export type MailLanguage = 'vi' | 'en'

interface AccountMailFacts {
  purpose: AccountTokenPurpose
  name: string
  link: string
  expiresAt: number
  /** Invitations: who invited, and as what. */
  invitedBy?: string
  role?: string
}

const when = (at: number, language: MailLanguage) =>
  new Intl.DateTimeFormat(language === 'vi' ? 'vi-VN' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(at)

const TEXTS = {
  vi: {
    'password-reset': {
      subject: 'Đặt lại mật khẩu quantrac',
      body: (f: AccountMailFacts) =>
        `Xin chào ${f.name},\n\nCó yêu cầu đặt lại mật khẩu cho tài khoản quantrac của bạn. Mở liên kết sau để đặt mật khẩu mới (dùng được một lần, đến ${when(f.expiresAt, 'vi')} giờ Việt Nam):\n\n${f.link}\n\nĐặt mật khẩu mới sẽ đăng xuất bạn khỏi mọi thiết bị. Nếu bạn không yêu cầu, hãy bỏ qua thư này: mật khẩu hiện tại vẫn giữ nguyên.`,
    },
    invitation: {
      subject: 'Lời mời tham gia quantrac',
      body: (f: AccountMailFacts) =>
        `Xin chào ${f.name},\n\n${f.invitedBy} mời bạn dùng quantrac (vai trò: ${f.role}). Mở liên kết sau để đặt mật khẩu và kích hoạt tài khoản (dùng được một lần, đến ${when(f.expiresAt, 'vi')} giờ Việt Nam):\n\n${f.link}`,
    },
  },
  en: {
    'password-reset': {
      subject: 'Reset your quantrac password',
      body: (f: AccountMailFacts) =>
        `Hello ${f.name},\n\nSomeone asked to reset the password of your quantrac account. Open this link to choose a new one (it works once, until ${when(f.expiresAt, 'en')} Vietnam time):\n\n${f.link}\n\nSetting a new password signs you out on every device. If you did not ask, ignore this message: your password stays as it is.`,
    },
    invitation: {
      subject: 'Your invitation to quantrac',
      body: (f: AccountMailFacts) =>
        `Hello ${f.name},\n\n${f.invitedBy} invites you to quantrac (role: ${f.role}). Open this link to choose a password and activate your account (it works once, until ${when(f.expiresAt, 'en')} Vietnam time):\n\n${f.link}`,
    },
  },
} as const

/**
 * An account mail in the language asked for, with the other one below it: a person may not have chosen the
 * language themself (an invitation), and it costs a few lines.
 */
export function accountMail(
  facts: AccountMailFacts,
  language: MailLanguage,
): { subject: string; text: string } {
  const other: MailLanguage = language === 'vi' ? 'en' : 'vi'
  const first = TEXTS[language][facts.purpose]
  const second = TEXTS[other][facts.purpose]
  return {
    subject: `${first.subject} · ${second.subject}`,
    text: `${first.body(facts)}\n\n———\n\n${second.body(facts)}\n`,
  }
}

/** Without QUANTRAC_SMTP_URL no account mail can leave: 503 for everyone, rather than a 2xx for a mail never sent. */
export function assertMailSetUp(options: AccountSettings): void {
  if (options.smtpUrl === undefined) {
    throw new HttpError(503, 'e-mail is not set up on this server (QUANTRAC_SMTP_URL): ask an admin')
  }
}
