// @ts-check
// The page of an e-mailed account link (#18): with `#token=…` it sets the password (a reset, or the first
// one of an invited person) through POST /api/v1/password-resets/redeem; without, it asks for a reset link.
// The token stays in the fragment, which the browser never sends to a server nor in a Referer, and is
// wiped from the address bar once read.

import { $, all } from './dom.js'
import { createTranslator, initialLanguage, saveLanguage } from './i18n.js'

const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined
if (token !== undefined) history.replaceState(null, '', location.pathname)
let tr = createTranslator(initialLanguage())

function applyTexts() {
  document.documentElement.lang = tr.language
  document.title = `quantrac — ${tr.t(token === undefined ? 'account.forgotTitle' : 'account.setTitle')}`
  $('reset-title').textContent = tr.t(token === undefined ? 'account.forgotTitle' : 'account.setTitle')
  $('set-help').textContent = tr.t('account.setHelp')
  for (const el of all('[data-i18n]')) el.textContent = tr.t(el.dataset.i18n ?? '')
  for (const button of all('#language button')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === tr.language))
  }
}

function show(id, text) {
  const el = $(id)
  el.textContent = text
  el.hidden = false
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  })
  const answer = await response.json().catch(() => ({}))
  return { status: response.status, answer }
}

function refusal(status, answer) {
  if (status === 404) return tr.t('account.linkInvalid')
  if (status === 410)
    return tr.t(/expired/.test(answer.message ?? '') ? 'account.linkExpired' : 'account.linkUsed')
  if (status === 403) return tr.t('account.accountDisabled')
  if (status === 429) return tr.t('account.throttled')
  if (status === 503) return tr.t('account.mailNotSetUp')
  return tr.t('account.refused', { message: answer.message ?? `HTTP ${status}` })
}

$('set-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  $('reset-error').hidden = true
  const password = $('new-password').value
  if (password !== $('repeat-password').value) return show('reset-error', tr.t('account.mismatch'))
  const { status, answer } = await post('/api/v1/password-resets/redeem', { token, password })
  if (status !== 200) return show('reset-error', refusal(status, answer))
  $('set-form').hidden = true
  show('reset-result', tr.t('account.passwordSet', { email: answer.email }))
  $('reset-next').hidden = false
})

$('forgot-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  $('reset-error').hidden = true
  const { status, answer } = await post('/api/v1/password-resets', {
    email: $('forgot-email').value,
    language: tr.language,
  })
  if (status !== 202) return show('reset-error', refusal(status, answer))
  $('forgot-form').hidden = true
  show('reset-result', tr.t('account.linkSent'))
})

for (const button of all('#language button')) {
  button.addEventListener('click', () => {
    tr = createTranslator(button.dataset.language ?? 'vi')
    saveLanguage(tr.language)
    applyTexts()
  })
}

$(token === undefined ? 'forgot-form' : 'set-form').hidden = false
applyTexts()
