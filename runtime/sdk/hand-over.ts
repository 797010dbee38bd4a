/**
 * A one-slot hand-over from a push-style producer (a plugin's sender or chunk
 * writer) to the pull-style async iterable the generated stream adapter
 * writes from: `send` waits until the item has been taken, so a producer
 * waits while Grafana is slow, and rejects once the call is cancelled or
 * ended, so the producer learns of it.
 */
export class HandOver<T> implements AsyncIterable<T> {
  #pending: { item: T; delivered: () => void } | undefined;
  #wakeReader: (() => void) | undefined;
  #closed = false;
  #error: unknown;

  constructor(
    private readonly signal: AbortSignal,
    private readonly closedError: () => Error,
  ) {
    signal.addEventListener("abort", () => this.close(), { once: true });
  }

  close(): void {
    this.#closed = true;
    this.#wakeReader?.();
  }

  /** Ends the iteration with `error` once everything sent has been taken. */
  fail(error: unknown): void {
    this.#error = error;
    this.close();
  }

  async send(item: T): Promise<void> {
    while (this.#pending && !this.#closed) await this.#waitDelivered();
    if (this.#closed) throw this.closedError();
    await new Promise<void>((delivered) => {
      this.#pending = { item, delivered };
      this.#wakeReader?.();
    });
  }

  #waitDelivered(): Promise<void> {
    const pending = this.#pending!;
    return new Promise((resolve) => {
      const original = pending.delivered;
      pending.delivered = () => {
        original();
        resolve();
      };
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      for (;;) {
        const pending = this.#pending;
        if (pending) {
          this.#pending = undefined;
          yield pending.item;
          pending.delivered();
          continue;
        }
        if (this.#closed) break;
        await new Promise<void>((wake) => (this.#wakeReader = wake));
        this.#wakeReader = undefined;
      }
      if (this.#error) throw this.#error;
    } finally {
      // The writer stopped (cancelled or done): release a producer still waiting.
      this.#closed = true;
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.delivered();
    }
  }
}
