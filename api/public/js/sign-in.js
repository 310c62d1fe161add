// @ts-check
// Signing in, shared by the live page and the regulator's page: a person with e-mail and password
// (account.js: a session cookie and its CSRF token), or an API key kept in this browser's local storage until
// Sign out and sent as `Authorization: Bearer …`; asked for again when the API answers 401. Both pages have
// the same #key-dialog, #key-form, #key-input, #key-error and #sign-out.
import { loadSession, mountPasswordForm, signedInPerson, signOutPerson, withCsrfToken } from './account.js'

const API_KEY = 'quantrac.apiKey'

/** @type {(id: string) => any} the element with this id: its type is the page's HTML, as in dom.js */
const $ = (id) => document.getElementById(id)

/** The API refused the key, or there is none: the user is asked for one. */
export class AuthError extends Error {}

/** Local storage, or undefined where the browser refuses it (private mode, file://). */
export function storage() {
  try {
    return window.localStorage
  } catch {
    return undefined
  }
}

export function apiKey() {
  return storage()?.getItem(API_KEY) ?? undefined
}

export function saveApiKey(key) {
  storage()?.setItem(API_KEY, key)
}

/** `headers` with the bearer API key when one was given, else with the signed-in session's CSRF token. */
export function withApiKey(headers) {
  const key = apiKey()
  return key === undefined ? withCsrfToken(headers) : { ...headers, authorization: `Bearer ${key}` }
}

let afterSignIn
let refusedMessage = () => ''

/** Asks for an API key, then runs `next`. A message says the previous key was refused, if there was one. */
export function askForKey(next) {
  afterSignIn = next
  const dialog = $('key-dialog')
  $('key-error').hidden = apiKey() === undefined
  $('key-error').textContent = refusedMessage()
  $('key-input').value = ''
  if (!dialog.open) dialog.showModal()
  $('password-email').focus()
}

function updateSignOut() {
  $('sign-out').hidden = apiKey() === undefined && signedInPerson() === undefined
}

/**
 * Wires the dialog and the Sign out button. `onSignedIn` runs after a key was entered (before the pending
 * action), `onSignedOut` after the key was forgotten; `refused` gives the text shown for a refused key.
 */
export function bindSignIn({ refused, onSignedIn = () => {}, onSignedOut }) {
  refusedMessage = refused
  const signedIn = () => {
    $('key-dialog').close()
    updateSignOut()
    onSignedIn()
    afterSignIn?.()
  }
  // A person signed in acts as themself: a key kept from before would be sent instead of the cookie.
  mountPasswordForm($('key-dialog'), () => {
    storage()?.removeItem(API_KEY)
    signedIn()
  })
  if (apiKey() === undefined) void loadSession().then(updateSignOut)
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const key = $('key-input').value.trim()
    if (key === '') {
      $('key-input').reportValidity()
      return
    }
    saveApiKey(key)
    signedIn()
  })
  $('sign-out').addEventListener('click', async () => {
    storage()?.removeItem(API_KEY)
    await signOutPerson()
    updateSignOut()
    onSignedOut()
  })
  updateSignOut()
}
