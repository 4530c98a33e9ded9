import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { firstValueFrom, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { EMPTY_STATE, reduce, render, runScenario, TodoService, type TodoCommand } from '../../examples/reactive-app';

function newTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const commands: Record<string, TodoCommand> = {
  a: { type: 'add', text: 'a' },
  b: { type: 'add', text: 'b' },
  t: { type: 'toggle', id: 1 },
  c: { type: 'clearDone' },
};

describe('examples/reactive-app', () => {
  describe('reduce()', () => {
    it('adds, toggles and clears done items', () => {
      const state = [commands.a, commands.b, commands.t].reduce(
        (current, command) => reduce(current, command as TodoCommand),
        EMPTY_STATE,
      );
      expect(render(state)).toBe('[x] a, [ ] b');
      expect(render(reduce(state, { type: 'clearDone' }))).toBe('[ ] b');
      expect(render(EMPTY_STATE)).toBe('(nothing to do)');
    });
  });

  describe('TodoService in marbles', () => {
    it('shows a view the current state at once, then each state in the frame of its command', () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        const service = new TodoService();
        cold('-a-b-t-c', commands).subscribe(service.commandObserver);
        const rendered = service.state$.pipe(map(render));
        expectObservable(rendered).toBe('0a-b-t-c', {
          0: '(nothing to do)',
          a: '[ ] a',
          b: '[ ] a, [ ] b',
          t: '[x] a, [ ] b',
          c: '[ ] b',
        });
      });
    });

    it('gives a view that subscribes late the current state in its subscription frame', () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        const service = new TodoService();
        cold('-a-b-t', commands).subscribe(service.commandObserver);
        expectObservable(service.state$.pipe(map(render)), '----^').toBe('----xt', {
          x: '[ ] a, [ ] b',
          t: '[x] a, [ ] b',
        });
      });
    });

    it('emits the remaining count only when it changes', () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        const service = new TodoService();
        cold('-a-b-t-c', commands).subscribe(service.commandObserver);
        expectObservable(service.remaining$).toBe('01-2-1', { 0: 0, 1: 1, 2: 2 });
      });
    });

    it('completes every view in the frame the service stops', () => {
      const scheduler = newTestScheduler();
      scheduler.run(({ cold, expectObservable }) => {
        const service = new TodoService();
        cold('-a', commands).subscribe(service.commandObserver);
        scheduler.schedule(() => void service.stop(), 3);
        expectObservable(service.state$.pipe(map(render))).toBe('0a-|', { 0: '(nothing to do)', a: '[ ] a' });
      });
    });

    it('keeps commands that come in one frame, in order', () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        const service = new TodoService();
        cold('-(abt)', commands).subscribe(service.commandObserver);
        expectObservable(service.remaining$).toBe('0(121)', { 0: 0, 1: 1, 2: 2 });
      });
    });
  });

  describe('TodoService with await', () => {
    it('applies a dispatched command before dispatch() resolves', async () => {
      const service = new TodoService();
      await service.dispatch({ type: 'add', text: 'x' });
      expect(render(await firstValueFrom(service.state$))).toBe('[ ] x');
      await service.stop();
    });

    it('closes the receiver of a view when the view unsubscribes', () => {
      const service = new TodoService();
      const view = service.state$.subscribe();
      expect(service.viewCount).toBe(1);
      view.unsubscribe();
      expect(service.viewCount).toBe(0);
    });

    it('plays the scenario and leaves no view subscribed', async () => {
      const lines: string[] = [];
      await runScenario((line) => lines.push(line));
      expect(lines.at(-2)).toBe('view:      [ ] test with marbles');
      expect(lines.at(-1)).toBe('views still subscribed: 0');
    });
  });

  it('runs as a script and exits by itself', async () => {
    const root = join(__dirname, '..', '..');
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'examples', 'reactive-app.ts')],
        { cwd: root, timeout: 30_000 },
        (error, stdout) => {
          if (error) {
            reject(new Error('the script failed', { cause: error }));
          } else {
            resolve(stdout);
          }
        },
      );
    });
    expect(output).toContain('views still subscribed: 0');
  }, 40_000);
});
