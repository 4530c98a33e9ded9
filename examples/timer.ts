/**
 * A periodic timer driving a loop, with a timeout that ends it: `npx tsx examples/timer.ts`.
 * Exits by itself in about a quarter of a second.
 *
 * The loop samples a sensor every 50 ms. A `Timer.timeout()` fires once 230 ms have passed
 * without a `reset()`, and stops the ticker, which ends the `for await` loop cleanly. Stopping
 * both timers leaves no handle behind, so Node exits on its own.
 */
import { take } from 'rxjs';
import { Timer } from 'rx-channels';

async function main(): Promise<void> {
  const ticker = Timer.periodic(50);
  const deadline = Timer.timeout(230);
  // The timeout is an Observable too: its first tick stops the ticker.
  deadline.pipe(take(1)).subscribe(() => {
    console.log('  timeout: no more sampling');
    ticker.stop();
  });

  const startMs = Date.now();
  let samples = 0;
  for await (const tick of ticker) {
    samples++;
    console.log(`  sample ${samples} at +${tick.getTime() - startMs} ms`);
    if (samples === 2) {
      // Activity pushes the deadline back: it now fires 230 ms from here.
      deadline.reset();
      console.log('  deadline reset');
    }
  }
  deadline.stop();
  console.log(`done after ${samples} samples; ticker running: ${ticker.isRunning}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
