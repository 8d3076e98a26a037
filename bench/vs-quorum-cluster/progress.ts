/** Progress lines on stderr, stamped with the time since the bench began. */
const began = performance.now();

export function progress(message: string): void {
  console.error(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${message}`);
}
