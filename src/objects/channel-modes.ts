import type { TrainingJobRequest } from "../config/training-job-request.js";
import { ValidationError } from "../errors.js";

export type ChannelRequest = NonNullable<TrainingJobRequest["InputDataConfig"]>[number];

/** What a request asks of its channels that tunekit can do, as the fields SageMaker reads them. */
export interface ChannelMode {
  /** File, or FastFile (served as File: every object is on disk before the script starts). */
  readonly inputMode: "File" | "FastFile";
  readonly dataType: "S3Prefix" | "ManifestFile";
  readonly distribution: "FullyReplicated" | "ShardedByS3Key";
}

/**
 * Checks each channel's input mode and data options against what runs here,
 * before anything is listed or downloaded. A channel's InputMode overrides
 * AlgorithmSpecification.TrainingInputMode, as in SageMaker. Refused, each
 * with the field and what to use instead: Pipe (a FIFO tunekit does not
 * provide), and what SageMaker allows only with Pipe: AugmentedManifestFile,
 * CompressionType Gzip and RecordWrapperType RecordIO.
 */
export function checkChannelModes(request: Pick<TrainingJobRequest, "InputDataConfig" | "AlgorithmSpecification">): {
  modes: ChannelMode[];
  notices: string[];
} {
  const notices: string[] = [];
  const modes = (request.InputDataConfig ?? []).map((channel, i): ChannelMode => {
    const field = `InputDataConfig[${i}]`;
    const inputMode = channel.InputMode ?? request.AlgorithmSpecification.TrainingInputMode;
    const modeField = channel.InputMode ? `${field}.InputMode` : "AlgorithmSpecification.TrainingInputMode";
    const source = channel.DataSource.S3DataSource;
    if (inputMode === "Pipe") {
      throw new ValidationError(
        modeField,
        `Pipe streams channel ${channel.ChannelName} through a named pipe, which tunekit does not provide; use File (the channel is downloaded to /opt/ml/input/data/${channel.ChannelName} before the script starts) or FastFile`,
        "E_REQUEST_INVALID",
      );
    }
    if (source.S3DataType === "AugmentedManifestFile") {
      throw new ValidationError(
        `${field}.DataSource.S3DataSource.S3DataType`,
        "AugmentedManifestFile can only be used with Pipe input mode (a SageMaker rule), which tunekit does not provide; use ManifestFile or S3Prefix",
        "E_REQUEST_INVALID",
      );
    }
    if (channel.CompressionType === "Gzip") {
      throw new ValidationError(
        `${field}.CompressionType`,
        `Gzip is used only in Pipe input mode (a SageMaker rule); in ${inputMode} mode leave it unset or None, and the script reads the .gz objects as they are`,
        "E_REQUEST_INVALID",
      );
    }
    if (channel.RecordWrapperType === "RecordIO") {
      throw new ValidationError(
        `${field}.RecordWrapperType`,
        "RecordIO wraps each object as a record for Pipe input mode, which tunekit does not provide; leave it unset or None",
        "E_REQUEST_INVALID",
      );
    }
    if (inputMode === "FastFile") {
      notices.push(
        `${modeField} FastFile: channel ${channel.ChannelName} is downloaded before the script starts, as in File mode (the same files at the same paths, present from the start)`,
      );
    }
    return {
      inputMode,
      dataType: source.S3DataType ?? "S3Prefix",
      distribution: source.S3DataDistributionType ?? "FullyReplicated",
    };
  });
  return { modes, notices };
}
