import { ChangeDetectionStrategy, Component, PendingTasks, inject, signal } from '@angular/core';
import { MarketService, type Quote } from './market.service';

/**
 * The client side of a request/response pair: asks the service over a Bidirectional channel
 * and awaits the reply. `PendingTasks.run()` tells Angular that a reply is on its way, so
 * `fixture.whenStable()` (and server-side rendering) wait for it, with or without zone.js.
 */
@Component({
  selector: 'app-quote',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button type="button" (click)="ask('ACME')">Quote ACME</button>
    @if (quote(); as quote) {
      <p class="quote">{{ quote.symbol }} {{ quote.price ?? 'no price yet' }}</p>
    }
  `,
})
export class QuoteComponent {
  private readonly market = inject(MarketService);
  private readonly pendingTasks = inject(PendingTasks);
  readonly quote = signal<Quote | undefined>(undefined);

  ask(symbol: string): void {
    // An error (the channel closed under it) goes to Angular's ErrorHandler.
    this.pendingTasks.run(async () => {
      this.quote.set(await this.market.quote(symbol));
    });
  }
}
