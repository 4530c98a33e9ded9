/**
 * `rx-channels/worker`: the same channels across threads (Node `worker_threads`, browser Web
 * Workers). The channels stay in the thread that made them ({@link serveChannels}); other threads
 * {@link connectChannels} and get senders and receivers that behave like local ones, with
 * credits so that no `postMessage` queue grows without bound, and nothing lost when a thread dies.
 * It imports no Node built-in, so it bundles for browsers.
 *
 * @packageDocumentation
 */
export { ChannelServer, serveChannels } from './worker/ChannelServer';
export type { ServedChannels, ServeOptions } from './worker/ChannelServer';
export { connectChannels } from './worker/connectChannels';
export type { RemoteAnycast, RemoteBroadcast, RemoteChannel, RemoteChannels } from './worker/connectChannels';
export { RemoteReceiver } from './worker/RemoteReceiver';
export type { RemoteBroadcastReceiverOptions, RemoteReceiverOptions } from './worker/RemoteReceiver';
export { RemoteSender } from './worker/RemoteSender';
export type { RemoteSendOptions } from './worker/RemoteSender';
export type { MessagePortLike } from './worker/MessagePortLike';
