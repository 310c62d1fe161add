// @ts-check
// Signing in as a person, with e-mail and password, in the dialog that also takes an API key (sign-in.js).
// The session lives in an HttpOnly cookie the browser sends by itself (no script can read it); what a script
// keeps is the session's CSRF token, sent as X-CSRF-Token on every request that changes something.

const TEXTS = {
  vi: {
    title: 'Đăng nhập',
    email: 'E-mail',
    password: 'Mật khẩu',
    submit: 'Đăng nhập',
    orKey: 'Hoặc dùng khóa API (cho máy và tập lệnh):',
    wrong: 'Sai e-mail hoặc mật khẩu.',
    disabled: 'Tài khoản này đã bị khóa.',
    throttled: 'Quá nhiều lần đăng nhập sai. Hãy thử lại sau vài phút.',
    failed: 'Không đăng nhập được: {message}',
    forgot: 'Quên mật khẩu?',
    code: 'Mã xác thực (6 số trong ứng dụng xác thực, hoặc một mã khôi phục)',
    codeNeeded: 'Tài khoản này cần mã xác thực thứ hai: nhập mã trong ứng dụng xác thực.',
    codeWrong: 'Mã sai, hoặc mã khôi phục đã được dùng.',
  },
  en: {
    title: 'Sign in',
    email: 'E-mail',
    password: 'Password',
    submit: 'Sign in',
    orKey: 'Or use an API key (for machines and scripts):',
    wrong: 'Wrong e-mail or password.',
    disabled: 'This account is disabled.',
    throttled: 'Too many failed sign-ins. Try again in a few minutes.',
    failed: 'Could not sign in: {message}',
    forgot: 'Forgot your password?',
    code: 'Code (the 6 digits of your authenticator app, or a recovery code)',
    codeNeeded: 'This account needs a second factor: enter the code of your authenticator app.',
    codeWrong: 'Wrong code, or a recovery code used already.',
  },
}

let csrfToken
let signedInAs

function text(key, values = {}) {
  const strings = TEXTS[document.documentElement.lang] ?? TEXTS.en
  return strings[key].replace(/\{(\w+)\}/g, (match, name) => values[name] ?? match)
}

/** `headers` with the session's CSRF token, when a person is signed in. */
export function withCsrfToken(headers) {
  return csrfToken === undefined ? headers : { ...headers, 'x-csrf-token': csrfToken }
}

/** The person signed in (`{ email, name }`), or undefined. */
export function signedInPerson() {
  return signedInAs
}

function remember(session) {
  if (session?.kind !== 'session') return
  csrfToken = session.csrfToken
  signedInAs = session.user
}

/** Asks the API who this browser's session cookie belongs to; nothing when there is none. */
export async function loadSession() {
  const response = await fetch('/api/v1/session', { headers: { accept: 'application/json' } })
  if (response.ok) remember(await response.json())
  return signedInAs
}

/** Ends the session on the server: the cookie stops working everywhere it was copied. */
export async function signOutPerson() {
  if (signedInAs === undefined) return
  await fetch('/api/v1/session', { method: 'DELETE', headers: withCsrfToken({}) })
  csrfToken = undefined
  signedInAs = undefined
}

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
  node.append(...children)
  return node
}

/** A typed second factor as sign-in takes it: 6 digits are a code, anything else a recovery code. */
function secondFactor(typed) {
  const value = typed.trim()
  if (value === '') return {}
  return /^\d{6}$/.test(value) ? { code: value } : { recoveryCode: value }
}

/**
 * Puts the e-mail and password form at the top of `dialog`, before its key form. `onSignedIn` runs after the
 * API opened a session. Texts follow the page's language each time the dialog opens.
 */
export function mountPasswordForm(dialog, onSignedIn) {
  const title = element('h2', { id: 'password-title' })
  const emailLabel = element('label', { for: 'password-email' })
  const email = element('input', {
    id: 'password-email',
    type: 'email',
    required: '',
    autocomplete: 'username',
  })
  const passwordLabel = element('label', { for: 'password-input' })
  const password = element('input', {
    id: 'password-input',
    type: 'password',
    required: '',
    autocomplete: 'current-password',
  })
  const codeLabel = element('label', { for: 'password-code', hidden: '' })
  const code = element('input', {
    id: 'password-code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    maxlength: '40',
    hidden: '',
  })
  const error = element('p', { id: 'password-error', class: 'ack-error', role: 'alert', hidden: '' })
  const submit = element('button', { type: 'submit', class: 'button-primary', id: 'password-submit' })
  const orKey = element('p', { class: 'ack-summary', id: 'password-or-key' })
  const forgot = element('a', { href: '/password.html', id: 'password-forgot' })
  const form = element('form', { id: 'password-form' }, [
    title,
    emailLabel,
    email,
    passwordLabel,
    password,
    codeLabel,
    code,
    error,
    element('div', { class: 'ack-actions' }, [submit]),
    element('p', { class: 'ack-summary' }, [forgot]),
    orKey,
  ])
  dialog.prepend(form)

  function applyTexts() {
    title.textContent = text('title')
    emailLabel.textContent = text('email')
    passwordLabel.textContent = text('password')
    submit.textContent = text('submit')
    orKey.textContent = text('orKey')
    forgot.textContent = text('forgot')
    codeLabel.textContent = text('code')
  }
  applyTexts()
  new MutationObserver(applyTexts).observe(document.documentElement, { attributeFilter: ['lang'] })

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    error.hidden = true
    submit.disabled = true
    try {
      const response = await fetch('/api/v1/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ email: email.value, password: password.value, ...secondFactor(code.value) }),
      })
      const body = await response.json().catch(() => ({}))
      if (!response.ok) {
        const asked = String(body.message ?? '').startsWith('second factor:')
        if (asked) {
          codeLabel.hidden = false
          code.hidden = false
          code.focus()
        }
        error.textContent =
          response.status === 429
            ? text('throttled')
            : response.status === 401 && asked
              ? text(code.value === '' ? 'codeNeeded' : 'codeWrong')
              : response.status === 401
                ? text(body.message === 'this account is disabled' ? 'disabled' : 'wrong')
                : text('failed', { message: body.message ?? response.status })
        error.hidden = false
        return
      }
      remember(body)
      password.value = ''
      code.value = ''
      onSignedIn()
    } finally {
      submit.disabled = false
    }
  })
}
