import type { JetStreamManager, NatsConnection, StreamConfig, StreamInfo } from 'nats';
import { jsonCodec, type Codec } from '../../nats/Codec';
import { checkOptions } from '../validate';
import { STREAM_NAME_IN_USE, apiErrorCode } from './apiError';
import { channelNames, type ChannelNames } from './names';

/** What `NatsAnycast.open()` and `NatsBroadcast.open()` both take, checked. @internal */
export interface OpenArguments {
  readonly names: ChannelNames;
  readonly codec: Codec<unknown>;
}

/**
 * Checks the arguments both `open()`s share: the connection, the options object, the name and
 * the codec; throws a `TypeError`/`RangeError` naming `<kind>.open()`.
 *
 * @internal
 */
export function checkOpenArguments<T>(
  kind: string,
  connection: NatsConnection,
  options: { readonly name: string; readonly codec?: Codec<T> | undefined },
): OpenArguments {
  if (typeof connection !== 'object' || connection === null || typeof connection.jetstream !== 'function') {
    throw new TypeError(`${kind}.open(): connection must be a NatsConnection (connect() of the nats package)`);
  }
  checkOptions('options', options);
  const names = channelNames(kind, options.name);
  const codec: Codec<unknown> = (options.codec as Codec<unknown> | undefined) ?? jsonCodec;
  if (typeof codec.encode !== 'function' || typeof codec.decode !== 'function') {
    throw new TypeError(`${kind}.open(): options.codec must have encode() and decode() functions`);
  }
  return { names, codec };
}

/**
 * Creates the channel's stream (file storage, on its one subject), or takes the one that exists
 * when it has the same retention, as a channel of the same kind made it; else a `TypeError`
 * that says what the stream is (`described`, e.g. "a work queue (is it a NatsBroadcast?)").
 *
 * @internal
 */
export function openStream(
  kind: string,
  jsm: JetStreamManager,
  names: ChannelNames,
  config: Pick<StreamConfig, 'retention' | 'discard' | 'max_msgs'>,
  described: string,
): Promise<StreamInfo> {
  return jsm.streams
    .add({ name: names.stream, subjects: [names.subject], storage: 'file' as StreamConfig['storage'], ...config })
    .catch((error: unknown) => {
      if (apiErrorCode(error) === STREAM_NAME_IN_USE) {
        return jsm.streams.info(names.stream);
      }
      throw error;
    })
    .then((info) => {
      if (info.config.retention !== config.retention) {
        throw new TypeError(`${kind}.open(): the stream ${names.stream} exists and is not ${described}`);
      }
      return info;
    });
}
