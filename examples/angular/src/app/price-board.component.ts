import { AsyncPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, inject } from '@angular/core';
import { MarketService } from './market.service';

/**
 * One receiver, two async pipes. A receiver's Observable face is shared: while at least one
 * subscriber is attached it takes each message from its channel and gives it to every
 * subscriber, so both pipes show every price. The component made the receiver, so the
 * component closes it.
 */
@Component({
  selector: 'app-price-board',
  imports: [AsyncPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<p class="board">{{ (prices | async)?.symbol }}: {{ (prices | async)?.value }}</p>`,
})
export class PriceBoardComponent {
  readonly prices = inject(MarketService).prices.newReceiver({ maxsize: 1, warnOnOverflow: false });

  constructor() {
    inject(DestroyRef).onDestroy(() => this.prices.close());
  }
}
