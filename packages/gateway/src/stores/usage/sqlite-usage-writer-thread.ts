import { Worker } from 'node:worker_threads';
import { sqliteDriverPath } from '../sqlite-driver.js';
import { INSERT_USAGE } from './sqlite-usage-schema.js';
import type { StoredUsage } from './usage-store.js';

type Reply = { id: number; error?: string };

// The thread's code is plain JavaScript with no imports of ours, so that it runs the same compiled and
// from source (under tsx, whose loader a worker thread does not inherit on Node 20). The main thread
// has opened the database and applied its migrations before the thread starts.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const database = new Database(workerData.file);
database.pragma('synchronous = NORMAL');
database.pragma('busy_timeout = 5000');
const insertOne = database.prepare(workerData.insert);
const insertBatch = database.transaction((records) => {
  for (const record of records) insertOne.run({ userId: null, errorCode: null, ...record });
});
parentPort.on('message', ({ id, records }) => {
  try {
    insertBatch(records);
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: error.message });
  }
});
`;

/**
 * A worker thread that owns a second connection to the usage database and inserts batches there, one
 * transaction each. Started on the first batch; idle, it does not keep the process alive.
 */
export class SqliteUsageWriterThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly file: string) {}

  insert(records: readonly StoredUsage[]): Promise<void> {
    const worker = this.start();
    const id = this.nextId++;
    const done = new Promise<void>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.inFlight.add(done);
    const forget = () => this.inFlight.delete(done);
    done.then(forget, forget);
    worker.ref();
    worker.postMessage({ id, records });
    return done;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: this.file, driver: sqliteDriverPath, insert: INSERT_USAGE },
    });
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (reply.error === undefined) waiter?.resolve();
      else waiter?.reject(new Error(reply.error));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`the usage writer thread exited with code ${code}`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  /** Waits for the batches in flight, then stops the thread. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
