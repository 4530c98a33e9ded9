import { InjectionToken } from '@angular/core';
import { asyncScheduler, type SchedulerLike } from 'rxjs';

/**
 * The RxJS scheduler that every Timer of the app waits with. Real time by default; a test
 * provides a virtual one (`VirtualClock` from 'rx-channels/testing', an RxJS `TestScheduler`,
 * or `queueScheduler`) and the same components run without waiting.
 */
export const CHANNELS_SCHEDULER = new InjectionToken<SchedulerLike>('CHANNELS_SCHEDULER', {
  providedIn: 'root',
  factory: () => asyncScheduler,
});
