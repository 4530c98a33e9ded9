// Without zone.js: change detection runs when a signal, an input or an async pipe says so, and
// `await fixture.whenStable()` waits for it and for every PendingTasks task. Time is virtual
// through the injected scheduler: a VirtualClock from 'rx-channels/testing' drives it.
import { TestBed } from '@angular/core/testing';
import { Observable } from 'rxjs';
import { Receiver } from 'rx-channels';
import { VirtualClock } from 'rx-channels/testing';
import { ClockComponent } from './clock.component';
import { JobsComponent } from './jobs.component';
import { MarketService } from './market.service';
import { PriceBoardComponent } from './price-board.component';
import { PriceTickerComponent } from './price-ticker.component';
import { QuoteComponent } from './quote.component';
import { CHANNELS_SCHEDULER } from './scheduler';

// Jest's CommonJS `require`, without @types/node.
declare const require: { resolve(id: string): string };

/** The text of the element that matches `selector`. */
function text(root: HTMLElement, selector: string): string | undefined {
  return root.querySelector(selector)?.textContent?.trim();
}

describe('the app without zone.js', () => {
  it('loads the CommonJS build of rx-channels, on the same rxjs as the app', () => {
    expect(require.resolve('rx-channels')).toMatch(/dist[\\/]index\.cjs$/);
    expect(Receiver.prototype).toBeInstanceOf(Observable);
  });

  it('two async pipes on one receiver both show the price', async () => {
    const market = TestBed.inject(MarketService);
    const fixture = TestBed.createComponent(PriceBoardComponent);
    await fixture.whenStable();

    await market.publishPrice({ symbol: 'ACME', value: 102 });
    await fixture.whenStable();
    expect(text(fixture.nativeElement, '.board')).toBe('ACME: 102');

    await market.publishPrice({ symbol: 'ACME', value: 103 });
    await fixture.whenStable();
    expect(text(fixture.nativeElement, '.board')).toBe('ACME: 103');

    expect(market.prices.receiverCount).toBe(1);
    fixture.destroy(); // the pipes unsubscribe, and the component closes its receiver
    expect(market.prices.receiverCount).toBe(0);
  });

  it('observe() gives every subscription its own receiver, and a destroyed component detaches them', async () => {
    const market = TestBed.inject(MarketService);
    await market.publishPrice({ symbol: 'ACME', value: 99 });
    const fixture = TestBed.createComponent(PriceTickerComponent);
    await fixture.whenStable();
    expect(market.prices.receiverCount).toBe(2); // the async pipe's and toSignal's
    expect(text(fixture.nativeElement, '.last')).toBe('ACME 99'); // resendLatest

    await market.publishPrice({ symbol: 'ACME', value: 104 });
    await market.publishPrice({ symbol: 'ACME', value: 100 });
    await fixture.whenStable();
    expect(text(fixture.nativeElement, '.last')).toBe('ACME 100');
    expect(text(fixture.nativeElement, '.high')).toBe('high 104');

    fixture.destroy();
    expect(market.prices.receiverCount).toBe(0);
  });

  it('a receive() that had to wait resumes when a job arrives', async () => {
    const market = TestBed.inject(MarketService);
    const fixture = TestBed.createComponent(JobsComponent);
    const taken = fixture.componentInstance.takeNext();
    await fixture.whenStable();
    expect(text(fixture.nativeElement, '.status')).toBe('waiting for a job');

    await market.submitJob({ id: 1, title: 'rebalance' });
    await taken; // whenStable() does not wait for a job that may never come; the test does
    await fixture.whenStable();
    expect(text(fixture.nativeElement, '.current')).toBe('#1 rebalance');
  });

  it('a request/response round trip over Bidirectional, awaited by whenStable()', async () => {
    const market = TestBed.inject(MarketService);
    await market.publishPrice({ symbol: 'ACME', value: 101 });
    const fixture = TestBed.createComponent(QuoteComponent);
    await fixture.whenStable();

    fixture.nativeElement.querySelector('button').click();
    await fixture.whenStable(); // the reply is a PendingTasks task
    expect(text(fixture.nativeElement, '.quote')).toBe('ACME 101');
  });

  it('concurrent requests each get their own reply', async () => {
    const market = TestBed.inject(MarketService);
    await market.publishPrice({ symbol: 'ACME', value: 101 });
    await market.publishPrice({ symbol: 'INIT', value: 7 });
    const quotes = await Promise.all([market.quote('ACME'), market.quote('INIT'), market.quote('NONE')]);
    expect(quotes.map((quote) => [quote.symbol, quote.price])).toEqual([
      ['ACME', 101],
      ['INIT', 7],
      ['NONE', undefined],
    ]);
  });

  it('a Timer on an injected virtual scheduler: a minute of ticks without waiting', async () => {
    const clock = new VirtualClock();
    TestBed.configureTestingModule({ providers: [{ provide: CHANNELS_SCHEDULER, useValue: clock.scheduler }] });
    const fixture = TestBed.createComponent(ClockComponent);
    await fixture.whenStable();

    // Under jsdom, VirtualClock takes its turns with setTimeout(0) (jsdom has no setImmediate),
    // about a millisecond of real time per tick: keep virtual spans short.
    await clock.advanceBy(60_000);
    await fixture.whenStable();
    expect(text(fixture.nativeElement, '.ticks')).toBe(`60 ticks, last at ${new Date(60_000).toISOString()}`);

    fixture.destroy();
    expect(clock.pendingActions).toBe(0); // the stopped timer left nothing scheduled
  });
});
