/**
 * Recipe: request/response with a timeout, over a `Bidirectional`: `npx tsx examples/request-response.ts`.
 *
 * A service answers requests on its handle; a client sends a request and waits for the reply
 * with a deadline. Each request carries an id, and the client skips replies whose id is not its
 * own (a reply that came after its request had timed out), so a late answer never passes for the
 * next one. The deadline is a `Timer` on an injectable scheduler, so tests run it in virtual time
 * (`spec/examples/request-response.spec.ts`); the `select()` loop leaves nothing behind when it
 * returns or throws. One request at a time per client; for many in flight, give each its own
 * reply channel.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import {
  Bidirectional,
  ChannelsError,
  SenderError,
  select,
  selectedFrom,
  Timer,
  type BidirectionalHandle,
} from 'rx-channels';

export interface Request {
  readonly id: number;
  readonly question: string;
}

export interface Reply {
  readonly id: number;
  readonly answer: number;
}

/** The service: answers every request until the channel is closed. */
export async function serve(
  handle: BidirectionalHandle<Reply, Request>,
  answer: (question: string) => Promise<number>,
): Promise<void> {
  for await (const request of handle) {
    const reply = { id: request.id, answer: await answer(request.question) };
    try {
      await handle.send(reply);
    } catch (error) {
      if (error instanceof SenderError) {
        return; // closed while answering: nobody is left to read the reply
      }
      throw error;
    }
  }
}

/** The client: one request at a time, each with a deadline. */
export class Client {
  private lastId = 0;

  constructor(
    private readonly handle: BidirectionalHandle<Request, Reply>,
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {}

  async request(question: string, timeoutMs: number): Promise<number> {
    const id = ++this.lastId;
    await this.handle.send({ id, question });
    const deadline = Timer.timeout(timeoutMs, { scheduler: this.scheduler });
    try {
      for await (const selected of select(this.handle, deadline)) {
        if (selectedFrom(selected, deadline)) {
          throw new ChannelsError(`no reply to "${question}" within ${timeoutMs} ms`);
        } else if (selectedFrom(selected, this.handle)) {
          if (selected.wasStopped) {
            break;
          }
          if (selected.exception !== undefined) {
            throw new ChannelsError('the reply channel failed', { cause: selected.exception });
          }
          if (selected.message.id === id) {
            return selected.message.answer;
          }
          // A late reply to an earlier request that timed out: skip it.
        }
      }
      throw new ChannelsError('the service went away');
    } finally {
      deadline.stop();
    }
  }
}

async function main(): Promise<void> {
  const channel = new Bidirectional<Request, Reply>('client', 'lengths');
  const slowWords = new Set(['antidisestablishmentarianism']);
  const service = serve(channel.serviceHandle, (question) => {
    const delayMs = slowWords.has(question) ? 200 : 10;
    return new Promise((resolve) => setTimeout(() => resolve(question.length), delayMs));
  });
  const client = new Client(channel.clientHandle);
  for (const word of ['hello', 'antidisestablishmentarianism', 'channels']) {
    try {
      console.log(`  ${word}: ${await client.request(word, 150)}`);
    } catch (error) {
      console.log(`  ${word}: ${(error as Error).message}`);
    }
  }
  await channel.close();
  await service;
}

if (require.main === module) {
  void main();
}
