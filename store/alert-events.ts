import type { AlertEvent } from '../core/alert-lifecycle.ts'

/**
 * Who an alert event names, as both stores keep it: the person who acknowledged or resolved (the API key's
 * name and id), or the names of the people told of an escalation.
 */
export function alertEventPeople(event: AlertEvent): {
  actor?: string
  actorKey?: string
  recipients?: string
} {
  const people: { actor?: string; actorKey?: string; recipients?: string } = {}
  if (event.by !== undefined) {
    people.actor = event.by.name
    if (event.by.keyId !== undefined) people.actorKey = event.by.keyId
  }
  if (event.to !== undefined && event.to.length > 0)
    people.recipients = event.to.map((p) => p.name).join(', ')
  return people
}
