/** Undo steps a bench registers as it acquires things; run last-first, each failure ignored, so one broken step cannot leak the rest. */
export class Cleanups {
  private readonly steps: (() => Promise<void>)[] = [];

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await step().catch(() => undefined);
  }
}
