import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { MarketService, type Job } from './market.service';

/**
 * A worker: takes one job at a time from the Anycast queue with `await receive()`, which waits
 * while the queue is empty. Destroying the component aborts a pending receive (no job is
 * taken, none is lost: the next worker gets it) and closes the receiver.
 */
@Component({
  selector: 'app-jobs',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button type="button" (click)="takeNext()" [disabled]="waiting()">Take next job</button>
    @if (waiting()) {
      <p class="status">waiting for a job</p>
    }
    @if (current(); as job) {
      <p class="current">#{{ job.id }} {{ job.title }}</p>
    }
  `,
})
export class JobsComponent {
  private readonly jobs = inject(MarketService).newJobReceiver();
  private readonly destroyed = new AbortController();
  readonly current = signal<Job | undefined>(undefined);
  readonly waiting = signal(false);

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.destroyed.abort();
      this.jobs.close();
    });
  }

  /** Resolves once a job is taken, or the component is destroyed while waiting for one. */
  async takeNext(): Promise<void> {
    this.waiting.set(true);
    try {
      this.current.set(await this.jobs.receive({ signal: this.destroyed.signal }));
    } catch (error) {
      // Destroyed while waiting: the receive was aborted and took nothing; not an error.
      if (!this.destroyed.signal.aborted) {
        throw error;
      }
    } finally {
      this.waiting.set(false);
    }
  }
}
