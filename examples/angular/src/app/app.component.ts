import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ClockComponent } from './clock.component';
import { JobsComponent } from './jobs.component';
import { MarketService } from './market.service';
import { PriceBoardComponent } from './price-board.component';
import { PriceTickerComponent } from './price-ticker.component';
import { QuoteComponent } from './quote.component';

/** The page: a clock, two price views, a quote form, a worker, and buttons to feed them. */
@Component({
  selector: 'app-root',
  imports: [ClockComponent, JobsComponent, PriceBoardComponent, PriceTickerComponent, QuoteComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <app-clock />
    <button type="button" (click)="publishPrice()">Publish a price</button>
    <app-price-board />
    <app-price-ticker />
    <app-quote />
    <button type="button" (click)="submitJob()">Submit a job</button>
    <app-jobs />
  `,
})
export class AppComponent {
  private readonly market = inject(MarketService);
  private nextJobId = 1;

  publishPrice(): Promise<void> {
    return this.market.publishPrice({ symbol: 'ACME', value: Math.round(90 + Math.random() * 20) });
  }

  submitJob(): Promise<void> {
    const id = this.nextJobId++;
    return this.market.submitJob({ id, title: `job ${id}` });
  }
}
