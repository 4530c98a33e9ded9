import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Timer } from 'rx-channels';
import { CHANNELS_SCHEDULER } from './scheduler';

/**
 * A Timer on the injected scheduler, read as an Observable until the component is destroyed
 * (`takeUntilDestroyed`). A Timer schedules its next tick only while someone waits for it, so
 * unsubscribing already leaves nothing scheduled; `stop()` on destroy says that it is over.
 */
@Component({
  selector: 'app-clock',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<p class="ticks">{{ ticks() }} ticks, last at {{ lastTick()?.toISOString() ?? '-' }}</p>`,
})
export class ClockComponent {
  private readonly timer = new Timer(1000, { scheduler: inject(CHANNELS_SCHEDULER) });
  readonly ticks = signal(0);
  readonly lastTick = signal<Date | undefined>(undefined);

  constructor() {
    this.timer.pipe(takeUntilDestroyed()).subscribe((tick) => {
      this.ticks.update((ticks) => ticks + 1);
      this.lastTick.set(tick);
    });
    inject(DestroyRef).onDestroy(() => this.timer.stop());
  }
}
