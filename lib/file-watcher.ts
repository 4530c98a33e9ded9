/**
 * `rx-channels/file-watcher`: the file watcher, Node only. It is kept out of the package root
 * and `rx-channels/util` so that browser bundles never see `fs`.
 *
 * @packageDocumentation
 */
export { FileWatcher } from './util/FileWatcher';
export type { FileWatcherEvent, FileWatcherEventType, FileWatcherOptions } from './util/FileWatcher';
