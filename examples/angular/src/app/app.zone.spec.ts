// With zone.js: fakeAsync() runs each test in virtual time. flushMicrotasks() runs every pending
// promise callback, rx-channels' included (the library is promise chains, no native await, so
// zone.js sees them all); tick(ms) moves the fake clock. A fakeAsync test fails if a timer is
// left behind, which makes it a check that destroying a component stops its Timer.
import { TestBed, fakeAsync, flushMicrotasks, tick } from '@angular/core/testing';
import { ClockComponent } from './clock.component';
import { JobsComponent } from './jobs.component';
import { MarketService } from './market.service';
import { PriceBoardComponent } from './price-board.component';
import { QuoteComponent } from './quote.component';

/** The text of the element that matches `selector`. */
function text(root: HTMLElement, selector: string): string | undefined {
  return root.querySelector(selector)?.textContent?.trim();
}

describe('the app under zone.js and fakeAsync', () => {
  it('a receive() that had to wait resumes when a job arrives', fakeAsync(() => {
    const market = TestBed.inject(MarketService);
    const fixture = TestBed.createComponent(JobsComponent);
    fixture.detectChanges();

    fixture.nativeElement.querySelector('button').click();
    flushMicrotasks();
    fixture.detectChanges();
    expect(text(fixture.nativeElement, '.status')).toBe('waiting for a job');

    void market.submitJob({ id: 1, title: 'rebalance' });
    flushMicrotasks();
    fixture.detectChanges();
    expect(text(fixture.nativeElement, '.current')).toBe('#1 rebalance');
    expect(text(fixture.nativeElement, '.status')).toBeUndefined();
  }));

  it('destroying a waiting worker aborts its receive(), and the job goes to the next worker', fakeAsync(() => {
    const market = TestBed.inject(MarketService);
    const first = TestBed.createComponent(JobsComponent);
    const waiting = first.componentInstance.takeNext();
    first.destroy();
    let settled = false;
    void waiting.then(() => (settled = true));
    flushMicrotasks();
    expect(settled).toBe(true); // resolved: the component caught the AbortError

    void market.submitJob({ id: 2, title: 'report' });
    const second = TestBed.createComponent(JobsComponent);
    void second.componentInstance.takeNext();
    flushMicrotasks();
    expect(second.componentInstance.current()).toEqual({ id: 2, title: 'report' });
  }));

  it('an aborted receive() with a .catch attached does not fail the test', fakeAsync(() => {
    const receiver = TestBed.inject(MarketService).newJobReceiver();
    const controller = new AbortController();
    let reason: unknown;
    receiver.receive({ signal: controller.signal }).catch((error: unknown) => (reason = error));
    controller.abort();
    flushMicrotasks();
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('AbortError');
    receiver.close();
  }));

  it('a request/response round trip over Bidirectional', fakeAsync(() => {
    const market = TestBed.inject(MarketService);
    void market.publishPrice({ symbol: 'ACME', value: 101 });
    const fixture = TestBed.createComponent(QuoteComponent);
    fixture.detectChanges();

    fixture.nativeElement.querySelector('button').click();
    flushMicrotasks();
    fixture.detectChanges();
    expect(text(fixture.nativeElement, '.quote')).toBe('ACME 101');
  }));

  it('two async pipes on one receiver both show the price', fakeAsync(() => {
    const market = TestBed.inject(MarketService);
    const fixture = TestBed.createComponent(PriceBoardComponent);
    fixture.detectChanges();

    void market.publishPrice({ symbol: 'ACME', value: 102 });
    flushMicrotasks();
    fixture.detectChanges();
    expect(text(fixture.nativeElement, '.board')).toBe('ACME: 102');
  }));

  it('a Timer on the default scheduler ticks with tick(), and stops when its component is destroyed', fakeAsync(() => {
    const start = Date.now(); // fakeAsync's clock
    const fixture = TestBed.createComponent(ClockComponent);
    fixture.detectChanges();
    tick(3000);
    fixture.detectChanges();
    expect(text(fixture.nativeElement, '.ticks')).toBe(`3 ticks, last at ${new Date(start + 3000).toISOString()}`);
    fixture.destroy(); // leaves no timer behind, or fakeAsync would fail the test
  }));
});
