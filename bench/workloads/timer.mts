/**
 * W7 Timer: the cost of one tick of `Timer.periodic` under RxJS's VirtualTimeScheduler (no real
 * waiting), read by a plain subscriber, against the floor for a periodic action on that
 * scheduler: a callback that schedules itself again every tick. (RxJS `interval()` cannot be the
 * baseline here: on VirtualTimeScheduler each of its reschedules nests a subscription in the last,
 * and unsubscribing 200,000 of them overflows the stack.) Each run checks the tick count and that
 * consecutive ticks are one interval apart.
 */
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { scaled, type BenchConfig } from '../config.mjs';
import type { Row, Workload } from '../harness.mjs';
import { rxUtil } from '../libs.mjs';

const INTERVAL = 1;

/** Ticks every frame until frame `ticks`, then checks what was seen. */
function run(
  ticks: number,
  subscribe: (scheduler: VirtualTimeScheduler, onTick: (time: number) => void) => () => void,
): void {
  const scheduler = new VirtualTimeScheduler(VirtualAction, ticks);
  let seen = 0;
  let last = 0;
  const stop = subscribe(scheduler, (time) => {
    if (time !== last + INTERVAL) {
      throw new Error(`wrong result: tick at ${time} after ${last}`);
    }
    last = time;
    seen++;
  });
  scheduler.flush();
  stop();
  if (seen !== ticks) {
    throw new Error(`wrong result: ${seen} ticks, expected ${ticks}`);
  }
}

export function timerWorkloads(config: BenchConfig): Workload[] {
  const ticks = scaled(config, 200_000);
  const rows: Row[] = [
    {
      name: 'baseline: a self-rescheduling action on the same scheduler',
      baseline: true,
      run: () =>
        run(ticks, (scheduler, onTick) => {
          let stopped = false;
          const tick = (): void => {
            onTick(scheduler.now());
            if (!stopped) {
              scheduler.schedule(tick, INTERVAL);
            }
          };
          scheduler.schedule(tick, INTERVAL);
          return () => {
            stopped = true;
          };
        }),
    },
    {
      name: 'rx-channels Timer.periodic, subscribed',
      run: () =>
        run(ticks, (scheduler, onTick) => {
          const timer = rxUtil.Timer.periodic(INTERVAL, { scheduler });
          const subscription = timer.subscribe((tick) => onTick(tick.getTime()));
          return () => {
            subscription.unsubscribe();
            timer.stop();
          };
        }),
    },
  ];
  return [
    {
      id: 'W7',
      title: 'Timer ticks in virtual time',
      description: `${ticks.toLocaleString('en')} ticks per run of a ${INTERVAL} ms periodic timer under \`VirtualTimeScheduler\` (no real waiting); each tick checked to be one interval after the last; ops = ticks.`,
      operations: ticks,
      rows,
    },
  ];
}
