/** Typed listeners for a few named events; `on` returns the function that removes the listener. */
export class Listeners<Events extends object> {
  private readonly byName = new Map<keyof Events, Set<(value: never) => void>>();

  on<Name extends keyof Events>(name: Name, listener: (value: Events[Name]) => void): () => void {
    let set = this.byName.get(name);
    if (!set) this.byName.set(name, (set = new Set()));
    set.add(listener as (value: never) => void);
    return () => set.delete(listener as (value: never) => void);
  }

  emit<Name extends keyof Events>(name: Name, value: Events[Name]): void {
    for (const listener of [...(this.byName.get(name) ?? [])]) {
      try {
        (listener as (value: Events[Name]) => void)(value);
      } catch (error) {
        // A listener's bug must not break the connection's bookkeeping: report it as an uncaught error.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
