import { Injectable, type OnDestroy } from '@angular/core';
import { concatMap, defer, first, firstValueFrom, ignoreElements, merge } from 'rxjs';
import { Anycast, Bidirectional, Broadcast, type Receiver } from 'rx-channels';

export interface Price {
  readonly symbol: string;
  readonly value: number;
}

export interface Job {
  readonly id: number;
  readonly title: string;
}

export interface QuoteRequest {
  readonly id: number;
  readonly symbol: string;
}

export interface Quote {
  readonly requestId: number;
  readonly symbol: string;
  /** The latest price of `symbol`, `undefined` when none was published. */
  readonly price: number | undefined;
}

/**
 * Owns the app's channels. A root service lives as long as the app: it makes the channels,
 * hands out receivers (or Observables that make them), and closes everything in `ngOnDestroy`,
 * which Angular calls when the app (or a TestBed test) is torn down.
 */
@Injectable({ providedIn: 'root' })
export class MarketService implements OnDestroy {
  /** The price feed: every view sees every price; a new view starts from the latest one. */
  readonly prices = new Broadcast<Price>('prices', { resendLatest: true });
  /** The job queue: each job goes to exactly one worker; a full queue makes `submitJob()` wait. */
  readonly jobs = new Anycast<Job>({ name: 'jobs', maxsize: 8 });
  /** Quotes, request/response: views are the client, this service answers. */
  private readonly quotes = new Bidirectional<QuoteRequest, Quote>('ui', 'quotes');

  private readonly priceSender = this.prices.newSender();
  private readonly jobSender = this.jobs.newSender();
  private readonly latestPrices = new Map<string, number>();
  private nextRequestId = 1;

  constructor() {
    // The service side of the quotes: answer every request, in order. The subscription ends by
    // itself when `ngOnDestroy` closes the channel (the handle stops, its Observable completes).
    const service = this.quotes.serviceHandle;
    service
      .pipe(
        concatMap((request) =>
          service.send({ requestId: request.id, symbol: request.symbol, price: this.latestPrices.get(request.symbol) }),
        ),
      )
      .subscribe({ error: (error: unknown) => console.error('quotes: the service stopped answering', error) });
  }

  publishPrice(price: Price): Promise<void> {
    this.latestPrices.set(price.symbol, price.value);
    return this.priceSender.send(price);
  }

  /** Resolves once the job is queued: at once while the queue has room, else when a worker makes some. */
  submitJob(job: Job): Promise<void> {
    return this.jobSender.send(job);
  }

  /** A worker's own receiver; the worker closes it when it is done (see JobsComponent). */
  newJobReceiver(): Receiver<Job> {
    return this.jobs.newReceiver();
  }

  /** Asks the quote service and resolves with its answer. */
  quote(symbol: string): Promise<Quote> {
    const request: QuoteRequest = { id: this.nextRequestId++, symbol };
    const client = this.quotes.clientHandle;
    // Listen first, then ask, so that the reply cannot slip past. The handle's Observable face is
    // shared: concurrent quote() calls each see every reply and keep their own.
    return firstValueFrom(
      merge(
        client.pipe(first((reply) => reply.requestId === request.id)),
        defer(() => client.send(request)).pipe(ignoreElements()),
      ),
    );
  }

  ngOnDestroy(): void {
    // Receivers drain what is buffered, then stop; Observables of them complete; blocked
    // senders and waiting receive() calls are released. close() never rejects.
    void this.prices.close();
    void this.jobs.close();
    void this.quotes.close();
  }
}
