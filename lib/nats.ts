/**
 * `rx-channels/nats`: channels across processes and machines, on NATS JetStream (an existing,
 * proven engine; the `nats` 2.x client is an optional peer dependency). {@link NatsAnycast} and
 * {@link NatsBroadcast} give the library's own `Sender` and `Receiver` classes, with the
 * guarantees each states (at least once, across machines).
 *
 * @packageDocumentation
 */
export { NatsAnycast } from './nats/NatsAnycast';
export type { NatsAnycastOptions } from './nats/NatsAnycast';
export { NatsReceiver } from './nats/NatsReceiver';
export type { NatsReceiverOptions } from './nats/NatsReceiver';
export { NatsSender } from './nats/NatsSender';
export { jsonCodec } from './nats/Codec';
export type { Codec } from './nats/Codec';
export { NatsBroadcast } from './nats/NatsBroadcast';
export type { NatsBroadcastOptions } from './nats/NatsBroadcast';
export { NatsBroadcastReceiver } from './nats/NatsBroadcastReceiver';
export type { NatsBroadcastReceiverOptions } from './nats/NatsBroadcastReceiver';
export { NatsPeekable } from './nats/NatsPeekable';
