/**
 * The watchdog recipe under zone.js `fakeAsync`, as an Angular test runs it. zone.js must load
 * before the library (see spec/helpers/zone.ts); the test bodies are synchronous, with
 * `.then()` chains, because ts-jest emits native `await`, which zone.js cannot see.
 */
import { fakeAsync, flushMicrotasks, tick } from '../helpers/zone';
import { Anycast } from 'rx-channels';
import { nextOrTimeout } from '../../examples/watchdog';

describe('examples/watchdog: testing with zone.js fakeAsync', () => {
  it('tick() moves the deadline and flushMicrotasks() delivers the message', fakeAsync(() => {
    const channel = new Anycast<string>();
    const receiver = channel.newReceiver();
    const results: string[] = [];
    void nextOrTimeout(receiver, 1000).then((result) => results.push(result));
    tick(999);
    expect(results).toEqual([]);
    tick(1);
    expect(results).toEqual(['timeout']);

    void nextOrTimeout(receiver, 1000).then((result) => results.push(result));
    setTimeout(() => void channel.newSender().send('pong'), 10);
    tick(10);
    flushMicrotasks();
    expect(results).toEqual(['timeout', 'pong']);
  }));
});
