/** The integer value of `--name`, or `fallback` when absent; throws unless it lies in min..max. */
export function integerFlag(
  values: Readonly<Record<string, unknown>>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = Number(values[name] ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${name}: ${min}..${max}`);
  return value;
}
