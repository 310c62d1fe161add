// @ts-check
// The account page (#18): who is signed in; for an admin signed in as themself, the TOTP second factor;
// for admins, API keys (create with an optional expiry, the token shown once, revoke) and people (invite by
// e-mail with a grant, disable); for everyone else signed in, API keys of their own. Each section uses the
// API's routes and shows their refusals as they are.

import { loadKeys } from './account-keys.js'
import { loadPeople } from './account-people.js'
import { loadSecondFactor } from './account-second-factor.js'
import { getJson } from './api-client.js'
import { $, all } from './dom.js'
import { createTranslator, initialLanguage, saveLanguage } from './i18n.js'
import { AuthError, askForKey, bindSignIn } from './sign-in.js'

const view = { tr: createTranslator(initialLanguage()) }

function applyTexts() {
  document.documentElement.lang = view.tr.language
  document.title = `quantrac — ${view.tr.t('account.pageTitle')}`
  for (const el of all('[data-i18n]')) el.textContent = view.tr.t(el.dataset.i18n ?? '')
  for (const button of all('#language button')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === view.tr.language))
  }
}

async function load() {
  $('account-banner').hidden = true
  let me
  try {
    me = await getJson('/api/v1/session')
  } catch (err) {
    if (err instanceof AuthError) return askForKey(load)
    $('account-banner').textContent = view.tr.t('loadFailed')
    $('account-banner').hidden = false
    return
  }
  $('whoami').textContent = view.tr.t('account.whoami', {
    name: me.user?.email ?? me.name,
    role: view.tr.t(`account.role.${me.role}`),
  })
  const admin = me.role === 'admin'
  $('totp-section').hidden = !(admin && me.kind === 'session')
  // People manage keys of their own; an admin every key. A key that is not an admin's manages none.
  const keys = admin || me.kind === 'session'
  $('keys-section').hidden = !keys
  $('people-section').hidden = !admin
  const reload = () => load()
  await Promise.all([
    admin && me.kind === 'session' ? loadSecondFactor(view, me.secondFactor, reload) : undefined,
    keys ? loadKeys(view, me) : undefined,
    admin ? loadPeople(view) : undefined,
  ])
}

for (const button of all('#language button')) {
  button.addEventListener('click', () => {
    view.tr = createTranslator(button.dataset.language ?? 'vi')
    saveLanguage(view.tr.language)
    applyTexts()
    void load()
  })
}
bindSignIn({ refused: () => view.tr.t('keyRefused'), onSignedOut: () => askForKey(load) })
applyTexts()
void load()
