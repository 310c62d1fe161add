import type { Aedes, AedesPublishPacket, PublishPacket } from 'aedes'
import { REGISTRY_ANNOUNCEMENTS } from '../../core/topics.ts'
import type { BrokerLink, MessageSink } from './link.ts'

function noop(): void {}

/** Takes one publish in; calls `accept` once it is durable (aedes then acknowledges it to the publisher). */
export type ReadingsIntake = (packet: PublishPacket, accept: () => void) => void

/** What ingest needs of the embedded broker (broker/server.ts `RunningBroker`): declared here, so imports point down. */
export interface InProcessBroker {
  readonly broker: Pick<Aedes, 'subscribe' | 'unsubscribe' | 'publish'>
  /** Hands every publish on a topic matching `filter` to `intake` before the publisher is acknowledged. */
  takeReadings(filter: string, intake: ReadingsIntake): () => void
}

/**
 * Ingest inside the process of the embedded aedes broker (`quantrac start`): messages are handed over in
 * memory, not through a second MQTT connection that would parse and frame every reading again and make
 * aedes keep a QoS 1 session queue for ingest.
 *
 * Readings are taken through the broker's `takeReadings`, before aedes acknowledges them: the sensor's
 * PUBACK goes out only once ingest has committed the message to its spool. (aedes writes a QoS 1 PUBACK
 * before it routes the message to subscribers, so an in-process subscriber holding its callback would not
 * delay the PUBACK.) While ingest holds a message, aedes reads nothing more from that sensor's connection:
 * a full spool slows the sensors down, and they keep what they have not been acknowledged. Between a stop
 * and the next ingest, the broker makes readings wait the same way.
 */
export function embeddedBrokerLink(running: InProcessBroker, subscription: string): BrokerLink {
  let detach: (() => void) | undefined
  let announcements: ((packet: AedesPublishPacket, done: () => void) => void) | undefined

  return {
    description: 'the embedded broker (in this process)',
    pacedAtSource: true,
    async open(sink: MessageSink) {
      // Registry changes are announcements, not data: nothing to wait for.
      const deliverAnnouncement = function deliverAnnouncement(packet: AedesPublishPacket, done: () => void) {
        sink.receive(packet.topic, packet.payload as Buffer, noop)
        done()
      }
      announcements = deliverAnnouncement
      for (const announcements of REGISTRY_ANNOUNCEMENTS) {
        await new Promise<void>((resolve) =>
          running.broker.subscribe(announcements, deliverAnnouncement, resolve),
        )
      }
      detach = running.takeReadings(subscription, function takeReading(packet, accept) {
        sink.receive(packet.topic, packet.payload as Buffer, accept)
      })
    },
    publish(topic, payload, qos) {
      running.broker.publish({ cmd: 'publish', topic, payload, qos, retain: false, dup: false }, noop)
    },
    stop() {
      detach?.()
      detach = undefined
    },
    async close() {
      const deliverAnnouncement = announcements
      announcements = undefined
      if (deliverAnnouncement === undefined) return
      for (const announcements of REGISTRY_ANNOUNCEMENTS) {
        await new Promise<void>((resolve) =>
          running.broker.unsubscribe(announcements, deliverAnnouncement, resolve),
        )
      }
    },
  }
}
