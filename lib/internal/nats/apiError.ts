/**
 * Reading the errors of the NATS client (`nats` 2.x): a JetStream API error carries
 * `api_error.err_code`; a request error carries a `code` string (`'503'` no responders, `'TIMEOUT'`).
 *
 * @internal
 */

/** The stream is full (`max_msgs` with `discard: new`). */
export const STREAM_FULL = 10077;
/** The stream is sealed: the channel was closed. */
export const STREAM_SEALED = 10109;
/** The stream does not exist. */
export const STREAM_NOT_FOUND = 10059;
/** The consumer does not exist. */
export const CONSUMER_NOT_FOUND = 10014;
/** A stream of that name exists with another configuration. */
export const STREAM_NAME_IN_USE = 10058;

/** The JetStream error code of `error`, if it has one. @internal */
export function apiErrorCode(error: unknown): number | undefined {
  const apiError = (error as { api_error?: { err_code?: unknown } } | null | undefined)?.api_error;
  return typeof apiError?.err_code === 'number' ? apiError.err_code : undefined;
}

/**
 * Whether `error` says that the stream or the consumer is gone (deleted from under us), as
 * opposed to a fault that a retry may cure (a timeout, a disconnection, a server restart).
 *
 * @internal
 */
export function isMissingResource(error: unknown): boolean {
  const code = apiErrorCode(error);
  if (code === STREAM_NOT_FOUND || code === CONSUMER_NOT_FOUND) {
    return true;
  }
  const message = error instanceof Error ? error.message.toLowerCase() : '';
  return (
    message.includes('stream not found') ||
    message.includes('consumer not found') ||
    message.includes('consumer deleted')
  );
}

/** Whether `error` is the client's "no responders" (nobody listens on the subject: code 503 without a JetStream error). @internal */
export function isNoResponders(error: unknown): boolean {
  return apiErrorCode(error) === undefined && (error as { code?: unknown } | null | undefined)?.code === '503';
}
