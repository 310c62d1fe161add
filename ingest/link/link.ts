/**
 * Ingest's link to its broker: where sensor messages come from, and where the live feed and dead letters
 * go. Wiring chooses the implementation — `mqtt.ts` for any broker over the network (Mosquitto, EMQX,
 * quantrac's own broker run apart), `embedded.ts` for the aedes broker in the same process — so ingest
 * itself never knows which broker it has.
 */
export interface BrokerLink {
  /** Where messages come from, for the log (never with credentials). */
  readonly description: string
  /**
   * True when the broker has already slowed each sensor down to its rate limit before handing its messages
   * over (the embedded broker's pacer): ingest then has no rate to watch. Over MQTT ingest cannot know.
   */
  readonly pacedAtSource: boolean
  /**
   * Starts delivering the readings of the subscription and the registry's change announcements to
   * `sink`. Resolves once the broker delivers them.
   */
  open(sink: MessageSink): Promise<void>
  /** Publishes one of ingest's own messages: a live-feed batch, an alert, a dead letter. */
  publish(topic: string, payload: string, qos: 0 | 1): void
  /** Takes no further message: what arrives from now on stays with the broker, or its sensor, for later. */
  stop(): void
  /** Closes the link; after `stop`, and after what was taken has been acknowledged. */
  close(): Promise<void>
}

/** What a link delivers messages to (`../spool/delivery.ts`). */
export interface MessageSink {
  /**
   * One message. `acknowledge` tells the broker it is durable (a PUBACK): the sink calls it only once the
   * message's contents are committed to the spool. `resume`, when given, lets the link read the next
   * message; the sink holds it while the spool refuses commits.
   */
  receive(topic: string, payload: Buffer, acknowledge: () => void, resume?: () => void): void
  /** The connection that carried unacknowledged messages is gone: the broker will send them again. */
  forgetUnacknowledged(): void
}
