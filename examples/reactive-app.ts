/**
 * A reactive app without a framework: a to-do service keeps its state in a Broadcast
 * (`resendLatest`, so every new view starts from the current state), exposes it to views as an
 * Observable, and takes commands through an Anycast. Commands flow into state synchronously, so
 * marble tests see every state in the frame of its command (spec/examples/reactive-app.spec.ts).
 *
 * Run it with `npx tsx examples/reactive-app.ts`: it plays a short scenario and exits by itself.
 */
import { defer, distinctUntilChanged, finalize, map, scan, startWith, type Observable, type Observer } from 'rxjs';
import { Anycast, Broadcast, type Sender } from 'rx-channels';

export interface TodoItem {
  readonly id: number;
  readonly text: string;
  readonly done: boolean;
}

export interface TodoState {
  readonly items: readonly TodoItem[];
  readonly nextId: number;
}

export type TodoCommand =
  | { readonly type: 'add'; readonly text: string }
  | { readonly type: 'toggle'; readonly id: number }
  | { readonly type: 'clearDone' };

export const EMPTY_STATE: TodoState = { items: [], nextId: 1 };

/** The pure state transition: one command, one new state. */
export function reduce(state: TodoState, command: TodoCommand): TodoState {
  switch (command.type) {
    case 'add':
      return {
        items: [...state.items, { id: state.nextId, text: command.text, done: false }],
        nextId: state.nextId + 1,
      };
    case 'toggle':
      return {
        ...state,
        items: state.items.map((item) => (item.id === command.id ? { ...item, done: !item.done } : item)),
      };
    case 'clearDone':
      return { ...state, items: state.items.filter((item) => !item.done) };
  }
}

/**
 * The service: commands in (an Anycast, so a burst waits in order instead of being lost), state
 * out (a Broadcast with `resendLatest`).
 */
export class TodoService {
  private readonly commands: Anycast<TodoCommand>;
  private readonly commandSender: Sender<TodoCommand>;
  private readonly states: Broadcast<TodoState>;
  /** Feeds commands to views: bind UI events to it, e.g. `clicks$.pipe(map(...)).subscribe(service.commandObserver)`. */
  readonly commandObserver: Observer<TodoCommand>;
  /** The state for views: the current state at once, then every change; completes on `stop()`. */
  readonly state$: Observable<TodoState>;
  /** How many items are not done, only when that number changes. */
  readonly remaining$: Observable<number>;

  constructor(initial: TodoState = EMPTY_STATE, name = 'todos') {
    this.commands = new Anycast<TodoCommand>({ name: `${name}-commands`, maxsize: 16 });
    this.states = new Broadcast<TodoState>(`${name}-state`, { resendLatest: true });
    this.commandSender = this.commands.newSender();
    this.commandObserver = this.commandSender.asObserver();
    // Synchronous all the way: a command placed in the channel is reduced and broadcast in the
    // same call stack. Closing the command channel completes the scan, which closes the state.
    this.commands
      .newReceiver()
      .pipe(scan(reduce, initial), startWith(initial))
      .subscribe(this.states.newSender().asObserver({ closeOnComplete: true }));
    this.state$ = defer(() => {
      // One receiver per view, closed when the view unsubscribes: nothing is left behind. A
      // view only needs the latest state, so a buffer of one is enough.
      const receiver = this.states.newReceiver({ maxsize: 1, warnOnOverflow: false });
      return receiver.asObservable().pipe(finalize(() => receiver.close()));
    });
    this.remaining$ = this.state$.pipe(
      map((state) => state.items.filter((item) => !item.done).length),
      distinctUntilChanged(),
    );
  }

  /** How many views are subscribed now. */
  get viewCount(): number {
    return this.states.receiverCount;
  }

  /** Sends one command; resolves once it is in the channel (at once unless 16 are waiting). */
  dispatch(command: TodoCommand): Promise<void> {
    return this.commandSender.send(command);
  }

  /** Stops taking commands; views complete once the last command has been applied. */
  stop(): Promise<void> {
    return this.commands.close();
  }
}

/** Renders a state as one line, as a view would. */
export function render(state: TodoState): string {
  const items = state.items.map((item) => `${item.done ? '[x]' : '[ ]'} ${item.text}`);
  return items.length === 0 ? '(nothing to do)' : items.join(', ');
}

/** The scenario the script plays: a view, a counter, four commands, then stop. */
export async function runScenario(log: (line: string) => void): Promise<void> {
  const service = new TodoService();
  const views = [
    service.state$.subscribe((state) => log(`view:      ${render(state)}`)),
    service.remaining$.subscribe((count) => log(`remaining: ${count}`)),
  ];
  await service.dispatch({ type: 'add', text: 'write channels' });
  await service.dispatch({ type: 'add', text: 'test with marbles' });
  await service.dispatch({ type: 'toggle', id: 1 });
  await service.dispatch({ type: 'clearDone' });
  await service.stop();
  log(`views still subscribed: ${views.filter((view) => !view.closed).length}`);
}

if (require.main === module) {
  runScenario((line) => console.log(line)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
