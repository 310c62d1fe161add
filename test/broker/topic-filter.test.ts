import { describe, expect, it } from 'vitest'
import { topicMatches } from '../../broker/topic-filter.ts'

describe('topicMatches', () => {
  it.each([
    ['quantrac/v1/readings/+/+', 'quantrac/v1/readings/fac-1/s-1', true],
    ['quantrac/v1/readings/+/+', 'quantrac/v1/readings/fac-1', false],
    ['quantrac/v1/readings/+/+', 'quantrac/v1/readings/fac-1/s-1/x', false],
    ['quantrac/v1/readings/+/+', 'quantrac/v1/live/fac-1/readings', false],
    ['quantrac/v1/readings/#', 'quantrac/v1/readings/fac-1/s-1', true],
    // '#' also matches its parent level [MQTT-4.7.1-2].
    ['quantrac/v1/readings/#', 'quantrac/v1/readings', true],
    ['#', 'quantrac/v1/readings/f/s', true],
    ['quantrac/v1/readings/f/s', 'quantrac/v1/readings/f/s', true],
    ['quantrac/v1/readings/f/s', 'quantrac/v1/readings/f/t', false],
    ['quantrac/v1/readings/f/s', 'quantrac/v1/readings/f/ss', false],
    ['+/+', '/x', true],
    // Wildcards at the first level do not match $ topics [MQTT-4.7.2-1].
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
  ])('%s against %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected)
  })
})
