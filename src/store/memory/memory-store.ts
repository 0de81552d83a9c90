import { emptyCounters } from "../counters.js";
import { alreadyExists, notFound, StoreError, trialIndexConflict } from "../errors.js";
import type {
  Lease,
  LeaseRequest,
  ListOptions,
  LogCursor,
  MetricPoint,
  NewTrainingJob,
  NewTuningJob,
  ObjectiveCounters,
  ObjectiveResult,
  ResourceKind,
  StatusCounters,
  StopRequest,
  StoredMetricPoint,
  TrainingJobListOptions,
  TrainingJobPageOptions,
  TrainingJobPatch,
  TrainingJobPoint,
  TrainingJobRecord,
  TrainingJobStatus,
  TuningJobPatch,
  TuningJobRecord,
  TuningJobStatus,
} from "../records.js";
import type { Store } from "../store.js";

const key = (name: string) => name.toLowerCase();
const leaseKey = (kind: ResourceKind, name: string) => `${kind}\u0000${key(name)}`;

/** Records are handed out as copies, so a caller can never edit the store behind its back. */
function clone<T>(value: T): T {
  return structuredClone(value);
}

function page<T>(items: T[], options: ListOptions = {}): T[] {
  const offset = options.offset ?? 0;
  return items.slice(offset, options.limit === undefined ? undefined : offset + options.limit);
}

/** The Store in plain maps: for tests, benchmarks and ask/tell without a storage file. */
export class MemoryStore implements Store {
  readonly kind = "memory";
  private tuningJobs = new Map<string, TuningJobRecord>();
  private trainingJobs = new Map<string, TrainingJobRecord>();
  private creationOrder: string[] = [];
  private metrics = new Map<string, StoredMetricPoint[]>();
  private logCursors = new Map<string, LogCursor>();
  private leases = new Map<string, Lease>();
  private stopRequests: StopRequest[] = [];
  private counters = new Map<string, number>();
  private closed = false;

  private open(): void {
    if (this.closed) throw new StoreError("E_STORE_CLOSED", "the store is closed");
  }

  createTuningJob(job: NewTuningJob): TuningJobRecord {
    this.open();
    if (this.tuningJobs.has(key(job.name))) throw alreadyExists("tuning job", job.name);
    const record: TuningJobRecord = {
      name: job.name,
      kind: job.kind,
      status: "InProgress",
      config: clone(job.config),
      seed: job.seed,
      trialCount: 0,
      failureReason: null,
      completionReason: null,
      convergenceDetectedAt: null,
      createdAt: job.now,
      updatedAt: job.now,
      endedAt: null,
    };
    this.tuningJobs.set(key(job.name), record);
    return clone(record);
  }

  getTuningJob(name: string): TuningJobRecord | undefined {
    this.open();
    const record = this.tuningJobs.get(key(name));
    return record && clone(record);
  }

  listTuningJobs(options: ListOptions & { status?: TuningJobStatus } = {}): TuningJobRecord[] {
    this.open();
    const all = [...this.tuningJobs.values()]
      .filter((job) => options.status === undefined || job.status === options.status)
      .sort((a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name));
    return page(all, options).map(clone);
  }

  updateTuningJob(name: string, patch: TuningJobPatch, from?: readonly TuningJobStatus[]): TuningJobRecord | undefined {
    this.open();
    const record = this.tuningJobs.get(key(name));
    if (!record) throw notFound("tuning job", name);
    if (from && !from.includes(record.status)) return undefined;
    const { now, ...fields } = patch;
    const updated = { ...record, ...withoutUndefined(fields), updatedAt: now };
    this.tuningJobs.set(key(name), updated);
    return clone(updated);
  }

  createTrainingJob(job: NewTrainingJob): TrainingJobRecord {
    this.open();
    let parent: TuningJobRecord | undefined;
    if (job.tuningJobName !== undefined) {
      parent = this.tuningJobs.get(key(job.tuningJobName));
      if (!parent) throw notFound("tuning job", job.tuningJobName);
      if (job.trialIndex !== parent.trialCount) {
        throw trialIndexConflict(parent.name, parent.trialCount, job.trialIndex ?? Number.NaN);
      }
    }
    if (this.trainingJobs.has(key(job.name))) throw alreadyExists("training job", job.name);
    const record: TrainingJobRecord = {
      name: job.name,
      tuningJobName: parent?.name ?? null,
      trialIndex: job.trialIndex ?? null,
      definitionName: job.definitionName ?? null,
      status: job.status ?? "InProgress",
      hyperparameters: clone(job.hyperparameters),
      request: job.request === undefined ? null : clone(job.request),
      strategyState: job.strategyState === undefined ? null : clone(job.strategyState),
      secondaryStatus: job.secondaryStatus ?? null,
      statusTransitions: [],
      jobDir: job.jobDir ?? null,
      modelArtifacts: null,
      objectiveValue: null,
      objectiveStatus: "Pending",
      failureReason: null,
      stopReason: null,
      retryAttempt: 0,
      createdAt: job.now,
      updatedAt: job.now,
      startedAt: null,
      endedAt: null,
    };
    if (parent) this.tuningJobs.set(key(parent.name), { ...parent, trialCount: parent.trialCount + 1 });
    this.trainingJobs.set(key(job.name), record);
    this.creationOrder.push(key(job.name));
    return clone(record);
  }

  getTrainingJob(name: string): TrainingJobRecord | undefined {
    this.open();
    const record = this.trainingJobs.get(key(name));
    return record && clone(record);
  }

  listTrainingJobs(options: TrainingJobListOptions = {}): TrainingJobRecord[] {
    this.open();
    const parent = options.tuningJobName === undefined ? undefined : key(options.tuningJobName);
    const all = this.creationOrder
      .map((name) => this.trainingJobs.get(name) as TrainingJobRecord)
      .filter((job) => parent === undefined || (job.tuningJobName !== null && key(job.tuningJobName) === parent))
      .filter((job) => options.status === undefined || job.status === options.status);
    if (parent !== undefined) all.sort((a, b) => (a.trialIndex ?? 0) - (b.trialIndex ?? 0));
    return page(all, options).map(clone);
  }

  listTrainingJobPoints(tuningJobName: string): TrainingJobPoint[] {
    return this.listTrainingJobs({ tuningJobName }).map((job) => ({
      name: job.name,
      trialIndex: job.trialIndex,
      definitionName: job.definitionName,
      status: job.status,
      stopReason: job.stopReason,
      hyperparameters: job.hyperparameters,
      objectiveValue: job.objectiveValue,
      objectiveStatus: job.objectiveStatus,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      endedAt: job.endedAt,
    }));
  }

  updateTrainingJob(
    name: string,
    patch: TrainingJobPatch,
    from?: readonly TrainingJobStatus[],
  ): TrainingJobRecord | undefined {
    this.open();
    const record = this.trainingJobs.get(key(name));
    if (!record) throw notFound("training job", name);
    if (from && !from.includes(record.status)) return undefined;
    const { now, ...fields } = patch;
    const updated = { ...record, ...withoutUndefined(fields), updatedAt: now };
    this.trainingJobs.set(key(name), updated);
    return clone(updated);
  }

  deleteTrainingJob(name: string): boolean {
    this.open();
    const record = this.trainingJobs.get(key(name));
    if (!record) return false;
    this.trainingJobs.delete(key(name));
    this.creationOrder = this.creationOrder.filter((n) => n !== key(name));
    this.metrics.delete(key(name));
    for (const k of [...this.logCursors.keys()]) if (k.startsWith(`${key(name)}\u0000`)) this.logCursors.delete(k);
    this.leases.delete(leaseKey("training-job", record.name));
    this.stopRequests = this.stopRequests.filter((r) => !(r.kind === "training-job" && key(r.name) === key(name)));
    return true;
  }

  countTrainingJobs(tuningJobName: string): { status: StatusCounters; objective: ObjectiveCounters } {
    const counters = emptyCounters();
    for (const job of this.listTrainingJobs({ tuningJobName })) {
      counters.status[job.status]++;
      counters.objective[job.objectiveStatus]++;
    }
    return counters;
  }

  pageTrainingJobs(
    tuningJobName: string,
    options: TrainingJobPageOptions,
  ): { jobs: TrainingJobRecord[]; total: number } {
    const sortKey: Record<TrainingJobPageOptions["sortBy"], (job: TrainingJobRecord) => string | number> = {
      name: (job) => job.name.toLowerCase(),
      createdAt: (job) => job.createdAt,
      status: (job) => job.status,
      objectiveValue: (job) => job.objectiveValue as number,
    };
    let jobs = this.listTrainingJobs({ tuningJobName, ...(options.status ? { status: options.status } : {}) });
    if (options.sortBy === "objectiveValue") jobs = jobs.filter((job) => job.objectiveValue !== null);
    const by = sortKey[options.sortBy];
    const sign = options.descending ? -1 : 1;
    jobs.sort((a, b) => {
      const x = by(a);
      const y = by(b);
      return sign * (x < y ? -1 : x > y ? 1 : 0) || (a.trialIndex ?? 0) - (b.trialIndex ?? 0);
    });
    return { jobs: page(jobs, options), total: jobs.length };
  }

  listObjectiveResults(tuningJobName: string): ObjectiveResult[] {
    return this.listTrainingJobs({ tuningJobName })
      .filter((job) => job.objectiveStatus === "Succeeded" && job.objectiveValue !== null)
      .sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0) || (a.trialIndex ?? 0) - (b.trialIndex ?? 0))
      .map((job) => ({ value: job.objectiveValue as number, endedAt: job.endedAt, trialIndex: job.trialIndex }));
  }

  bestTrainingJob(tuningJobName: string, objective: "Maximize" | "Minimize"): TrainingJobRecord | undefined {
    const sign = objective === "Maximize" ? 1 : -1;
    let best: TrainingJobRecord | undefined;
    for (const job of this.listTrainingJobs({ tuningJobName })) {
      if (job.objectiveStatus !== "Succeeded" || job.objectiveValue === null) continue;
      if (!best || sign * job.objectiveValue > sign * (best.objectiveValue as number)) best = job;
    }
    return best;
  }

  appendMetricPoints(trainingJobName: string, points: readonly MetricPoint[]): void {
    this.open();
    const job = this.trainingJobs.get(key(trainingJobName));
    if (!job) throw notFound("training job", trainingJobName);
    const series = this.metrics.get(key(trainingJobName)) ?? [];
    for (const point of points) series.push({ ...point, seq: series.length });
    this.metrics.set(key(trainingJobName), series);
  }

  listMetricPoints(trainingJobName: string, metricName?: string): StoredMetricPoint[] {
    this.open();
    const series = this.metrics.get(key(trainingJobName)) ?? [];
    return series.filter((p) => metricName === undefined || p.metricName === metricName).map(clone);
  }

  setLogCursor(cursor: LogCursor): void {
    this.open();
    if (!this.trainingJobs.has(key(cursor.trainingJobName))) throw notFound("training job", cursor.trainingJobName);
    this.logCursors.set(`${key(cursor.trainingJobName)}\u0000${cursor.stream}`, clone(cursor));
  }

  getLogCursor(trainingJobName: string, stream: string): LogCursor | undefined {
    this.open();
    const cursor = this.logCursors.get(`${key(trainingJobName)}\u0000${stream}`);
    return cursor && clone(cursor);
  }

  acquireLease(request: LeaseRequest): Lease | undefined {
    this.open();
    const current = this.leases.get(leaseKey(request.kind, request.name));
    if (current && current.owner !== request.owner && current.expiresAt > request.now) return undefined;
    const sameOwner = current !== undefined && current.owner === request.owner;
    const lease: Lease = {
      kind: request.kind,
      name: request.name,
      owner: request.owner,
      host: request.host ?? null,
      pid: request.pid ?? null,
      pgid: request.pgid ?? null,
      processStartTime: request.processStartTime ?? null,
      acquiredAt: sameOwner ? current.acquiredAt : request.now,
      heartbeatAt: request.now,
      expiresAt: request.now + request.ttlMs,
    };
    this.leases.set(leaseKey(request.kind, request.name), lease);
    return clone(lease);
  }

  renewLease(kind: ResourceKind, name: string, owner: string, ttlMs: number, now: number): boolean {
    this.open();
    const current = this.leases.get(leaseKey(kind, name));
    if (!current || current.owner !== owner) return false;
    this.leases.set(leaseKey(kind, name), { ...current, heartbeatAt: now, expiresAt: now + ttlMs });
    return true;
  }

  releaseLease(kind: ResourceKind, name: string, owner: string): boolean {
    this.open();
    const current = this.leases.get(leaseKey(kind, name));
    if (!current || current.owner !== owner) return false;
    this.leases.delete(leaseKey(kind, name));
    return true;
  }

  getLease(kind: ResourceKind, name: string): Lease | undefined {
    this.open();
    const lease = this.leases.get(leaseKey(kind, name));
    return lease && clone(lease);
  }

  listExpiredLeases(now: number): Lease[] {
    this.open();
    return [...this.leases.values()]
      .filter((lease) => lease.expiresAt <= now)
      .sort((a, b) => a.expiresAt - b.expiresAt)
      .map(clone);
  }

  requestStop(kind: ResourceKind, name: string, now: number, reason?: string): StopRequest {
    this.open();
    const pending = this.pendingStopRequests(kind, name)[0];
    if (pending) return pending;
    const request: StopRequest = {
      id: this.stopRequests.length + 1,
      kind,
      name,
      reason: reason ?? null,
      requestedAt: now,
      acknowledgedAt: null,
    };
    this.stopRequests.push(request);
    return clone(request);
  }

  pendingStopRequests(kind?: ResourceKind, name?: string): StopRequest[] {
    this.open();
    return this.stopRequests
      .filter((r) => r.acknowledgedAt === null)
      .filter((r) => kind === undefined || r.kind === kind)
      .filter((r) => name === undefined || key(r.name) === key(name))
      .map(clone);
  }

  acknowledgeStopRequest(id: number, now: number): boolean {
    this.open();
    const index = this.stopRequests.findIndex((r) => r.id === id && r.acknowledgedAt === null);
    if (index < 0) return false;
    this.stopRequests[index] = { ...(this.stopRequests[index] as StopRequest), acknowledgedAt: now };
    return true;
  }

  advanceCounter(scope: string, name: string, by = 1): number {
    this.open();
    const k = `${scope}\u0000${name}`;
    const before = this.counters.get(k) ?? 0;
    this.counters.set(k, before + by);
    return before;
  }

  close(): void {
    this.closed = true;
  }
}

function withoutUndefined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
