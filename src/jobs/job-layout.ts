import { join } from "node:path";

/**
 * A training job's private directory. `ml/` is the job's /opt/ml (seen at
 * that literal path inside the sandbox, and through SM_* variables always);
 * the log lives beside it, outside what the job can write.
 */
export class JobLayout {
  constructor(readonly root: string) {}

  get ml(): string {
    return join(this.root, "ml");
  }
  get log(): string {
    return join(this.root, "job.log");
  }
  /** Paths inside the job's /opt/ml, given the root the job sees it at (/opt/ml in the sandbox). */
  static paths(ml: string) {
    return {
      input: join(ml, "input"),
      inputConfig: join(ml, "input", "config"),
      inputData: join(ml, "input", "data"),
      channel: (name: string) => join(ml, "input", "data", name),
      model: join(ml, "model"),
      output: join(ml, "output"),
      outputData: join(ml, "output", "data"),
      outputIntermediate: join(ml, "output", "intermediate"),
      failure: join(ml, "output", "failure"),
      success: join(ml, "output", "success"),
      checkpoints: join(ml, "checkpoints"),
      code: join(ml, "code"),
    };
  }
}
