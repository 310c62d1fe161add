// @ts-check
// The admin part of the contractor screens (sensors.html): organisations listed and registered, facilities
// registered and their main fields changed. Shown to admins only; the API is what refuses everyone else, and
// audits each change. A refused value is shown with the API's message, which names the field.

import { $, element, table } from './dom.js'
import { requestJson } from './json-request.js'

const VIETNAM_UTC_OFFSET_MINUTES = 420

/**
 * @param {{
 *   tr: { t: (key: string, values?: Record<string, unknown>) => string, factorLabel: (f: string) => string },
 *   factors: () => string[],
 *   facilities: () => Array<Record<string, any>>,
 *   failed: (err: unknown, show: (text: string) => void) => void,
 *   changed: (facilityId: string) => Promise<void>,
 * }} page
 */
export function createAdminPanel(page) {
  /** @type {Array<{ id: string, name: string, kind: string }>} */
  let organisations = []
  let editing = ''
  const t = (key, values) => page.tr.t(key, values)

  function message(text, id, kind = 'ok') {
    const el = $(id)
    el.textContent = text
    el.dataset.kind = kind
    el.hidden = false
  }

  function checkboxes(fieldset, entries, selected) {
    const legend = fieldset.querySelector('legend')
    const boxes = entries.map(([value, text]) => {
      const label = element('label', 'factor-choice')
      const box = /** @type {HTMLInputElement} */ (element('input'))
      box.type = 'checkbox'
      box.value = value
      box.checked = selected.includes(value)
      label.append(box, ` ${text}`)
      return label
    })
    fieldset.replaceChildren(...(legend ? [legend] : []), ...boxes)
  }

  const ticked = (fieldset) =>
    [...fieldset.querySelectorAll('input[type=checkbox]:checked')].map(
      (box) => /** @type {HTMLInputElement} */ (box).value,
    )

  function renderOrganisations() {
    table(
      'organisations-table',
      [
        t('contractor.admin.organisationId'),
        t('contractor.admin.organisationName'),
        t('contractor.admin.kind'),
      ],
      organisations.map((o) => [o.id, o.name, t(`contractor.admin.kind.${o.kind}`)]),
      t('contractor.admin.noOrganisations'),
    )
  }

  /** Owner and contractor choices from the organisations, keeping what is chosen. */
  function renderChoices(owner = $('facility-owner').value, contractors = ticked($('facility-contractors'))) {
    const none = element('option', undefined, t('contractor.admin.noOwner'))
    none.value = ''
    $('facility-owner').replaceChildren(
      none,
      ...organisations
        .filter((o) => o.kind === 'owner')
        .map((o) => {
          const option = element('option', undefined, `${o.name} (${o.id})`)
          option.value = o.id
          return option
        }),
    )
    $('facility-owner').value = owner
    checkboxes(
      $('facility-contractors'),
      organisations.filter((o) => o.kind === 'contractor').map((o) => [o.id, `${o.name} (${o.id})`]),
      contractors,
    )
  }

  function renderFacilityChoice() {
    const fresh = element('option', undefined, t('contractor.admin.newFacility'))
    fresh.value = ''
    $('facility-choice').replaceChildren(
      fresh,
      ...page.facilities().map((f) => {
        const option = element('option', undefined, `${f.name} (${f.id})`)
        option.value = f.id
        return option
      }),
    )
    $('facility-choice').value = editing
  }

  function renderSubmit() {
    const key = editing === '' ? 'contractor.admin.create' : 'contractor.admin.save'
    $('facility-submit').dataset.i18n = key
    $('facility-submit').textContent = t(key)
    const idInput = /** @type {HTMLInputElement} */ ($('facility-id'))
    idInput.readOnly = editing !== ''
  }

  /** Fills the facility form with `facility`, or empties it for a new one. */
  function fill(facility) {
    editing = facility?.id ?? ''
    const value = (id, text) => {
      /** @type {HTMLInputElement} */
      $(id).value = text
    }
    value('facility-id', facility?.id ?? '')
    value('facility-name', facility?.name ?? '')
    value('facility-province', facility?.province ?? '')
    value('facility-sector', facility?.sector ?? '')
    value('facility-address', facility?.address ?? '')
    value('facility-profile', facility?.profile ?? 'qcvn')
    value('facility-shifts', (facility?.shifts.starts ?? ['06:00', '14:00', '22:00']).join(' '))
    value('facility-workers', String(facility?.workers ?? 0))
    renderChoices(facility?.ownerId ?? '', facility?.contractorIds ?? [])
    checkboxes(
      $('facility-hazards'),
      page.factors().map((f) => [f, page.tr.factorLabel(f)]),
      facility?.hazards ?? [],
    )
    renderFacilityChoice()
    renderSubmit()
  }

  /** The form's main fields as the API takes them. */
  function fields() {
    const current = page.facilities().find((f) => f.id === editing)
    const ownerId = $('facility-owner').value
    return {
      name: $('facility-name').value.trim(),
      province: $('facility-province').value.trim(),
      sector: $('facility-sector').value.trim(),
      address: $('facility-address').value.trim(),
      ...(ownerId ? { ownerId } : {}),
      contractorIds: ticked($('facility-contractors')),
      hazards: ticked($('facility-hazards')),
      profile: $('facility-profile').value,
      shifts: {
        starts: $('facility-shifts')
          .value.split(/[\s,;]+/)
          .filter(Boolean),
        utcOffsetMinutes: current?.shifts.utcOffsetMinutes ?? VIETNAM_UTC_OFFSET_MINUTES,
      },
      workers: Number($('facility-workers').value),
    }
  }

  async function work(messageId, task) {
    $(messageId).hidden = true
    try {
      await task()
    } catch (err) {
      page.failed(err, (text) => message(text, messageId, 'error'))
    }
  }

  function addOrganisation(event) {
    event.preventDefault()
    void work('organisation-message', async () => {
      const created = await requestJson('POST', '/api/v1/organisations', {
        id: $('organisation-id').value.trim(),
        name: $('organisation-name').value.trim(),
        kind: $('organisation-kind').value,
      })
      const form = /** @type {HTMLFormElement} */ ($('organisation-form'))
      form.reset()
      await loadOrganisations()
      message(t('contractor.admin.organisationAdded', { id: created.id }), 'organisation-message')
    })
  }

  function saveFacility(event) {
    event.preventDefault()
    void work('facility-message', async () => {
      const saved =
        editing === ''
          ? await requestJson('POST', '/api/v1/facilities', {
              id: $('facility-id').value.trim(),
              ...fields(),
            })
          : await requestJson('PATCH', `/api/v1/facilities/${encodeURIComponent(editing)}`, fields())
      const key = editing === '' ? 'contractor.admin.created' : 'contractor.admin.saved'
      await page.changed(saved.id)
      fill(page.facilities().find((f) => f.id === saved.id) ?? saved)
      message(t(key, { id: saved.id }), 'facility-message')
    })
  }

  async function loadOrganisations() {
    const list = await requestJson('GET', '/api/v1/organisations?limit=500')
    organisations = list.items
    renderOrganisations()
    renderChoices()
  }

  async function loadProvinces() {
    const provinces = await requestJson('GET', '/api/v1/provinces')
    $('province-list').replaceChildren(
      ...provinces.items.map((p) => {
        const option = /** @type {HTMLOptionElement} */ (element('option'))
        option.value = p.name
        return option
      }),
    )
  }

  let bound = false
  return {
    /** Shows the panel to an admin (loading its lists), hides it from anyone else. */
    async show(role) {
      $('admin-section').hidden = role !== 'admin'
      if (role !== 'admin') return
      if (!bound) {
        $('organisation-form').addEventListener('submit', addOrganisation)
        $('facility-form').addEventListener('submit', saveFacility)
        $('facility-choice').addEventListener('change', () =>
          fill(page.facilities().find((f) => f.id === $('facility-choice').value)),
        )
        bound = true
      }
      await Promise.all([loadOrganisations(), loadProvinces()])
      fill(page.facilities().find((f) => f.id === editing))
    },
    redraw() {
      if ($('admin-section').hidden) return
      renderOrganisations()
      renderChoices()
      checkboxes(
        $('facility-hazards'),
        page.factors().map((f) => [f, page.tr.factorLabel(f)]),
        ticked($('facility-hazards')),
      )
      renderFacilityChoice()
      renderSubmit()
    },
  }
}
