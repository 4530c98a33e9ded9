/** Checks that messages 0, 1, 2... arrive in order and adds them up. */
export class InOrder {
  private expected = 0;
  sum = 0;

  see(message: number): void {
    if (message !== this.expected) {
      throw new Error(`wrong result: received ${message}, expected ${this.expected}`);
    }
    this.expected++;
    this.sum += message;
  }

  /** Throws unless exactly `count` messages were seen. */
  finish(count: number): void {
    if (this.expected !== count) {
      throw new Error(`wrong result: received ${this.expected} messages, expected ${count}`);
    }
  }
}

/** Checks that each of the messages 0 … count-1 is received exactly once, by anyone. */
export class ExactlyOnce {
  private readonly seen: Uint8Array;
  private received = 0;

  constructor(private readonly count: number) {
    this.seen = new Uint8Array(count);
  }

  see(message: number): void {
    if (this.seen[message] !== 0) {
      throw new Error(`wrong result: message ${message} received twice or out of range`);
    }
    this.seen[message] = 1;
    this.received++;
  }

  finish(): void {
    if (this.received !== this.count) {
      throw new Error(`wrong result: received ${this.received} messages, expected ${this.count}`);
    }
  }
}

/** The sum 0 + 1 + … + (count - 1). */
export function sumBelow(count: number): number {
  return (count * (count - 1)) / 2;
}

/** Checks one fan-out receiver: strictly increasing messages; delivered + dropped = sent. */
export class Increasing {
  private last = -1;
  delivered = 0;

  see(message: number): void {
    if (message <= this.last) {
      throw new Error(`wrong result: received ${message} after ${this.last}`);
    }
    this.last = message;
    this.delivered++;
  }

  finish(count: number, dropped: number): void {
    if (this.delivered + dropped !== count || this.last !== count - 1) {
      throw new Error(`wrong result: ${this.delivered} delivered + ${dropped} dropped of ${count}, last ${this.last}`);
    }
  }
}
