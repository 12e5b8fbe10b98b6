/** Every value of an async iterable, with a bound on the count so a runaway stream fails the test. */
export async function collect<T>(iterable: AsyncIterable<T>, limit = 10_000): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) {
    values.push(value);
    if (values.length > limit) throw new Error(`more than ${limit} values`);
  }
  return values;
}

/** The error an async iterable ends with, and what it produced before. */
export async function collectUntilError<T>(iterable: AsyncIterable<T>, limit = 10_000): Promise<{ values: T[]; error: unknown }> {
  const values: T[] = [];
  try {
    for await (const value of iterable) {
      values.push(value);
      if (values.length > limit) throw new Error(`more than ${limit} values`);
    }
  } catch (error) {
    return { values, error };
  }
  return { values, error: undefined };
}
