import { AsyncPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { map, scan } from 'rxjs';
import { MarketService } from './market.service';

/**
 * `broadcast.observe()`: an Observable whose every subscription makes its own receiver and
 * closes it on unsubscribe. The async pipe unsubscribes when the component is destroyed, and
 * so does `toSignal`: nothing to close by hand, and the channel stops counting the receivers.
 */
@Component({
  selector: 'app-price-ticker',
  imports: [AsyncPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (price$ | async; as price) {
      <p class="last">{{ price.symbol }} {{ price.value }}</p>
    }
    <p class="high">high {{ high() ?? '-' }}</p>
  `,
})
export class PriceTickerComponent {
  private readonly market = inject(MarketService);
  // A view only needs the latest price: a buffer of one, without overflow warnings.
  readonly price$ = this.market.prices.observe({ maxsize: 1, warnOnOverflow: false });
  /** The highest price seen since this component was created. */
  readonly high = toSignal(
    this.market.prices.observe({ maxsize: 16 }).pipe(
      map((price) => price.value),
      scan((high, value) => Math.max(high, value), -Infinity),
    ),
  );
}
