import type { AddTagsOutput, DeleteTagsOutput, ListTagsOutput } from "@aws-sdk/client-sagemaker";
import { arnScope } from "../../identity.js";
import type { ResourceKind, Store, Tag } from "../../store/index.js";
import { AwsError } from "./aws-error.js";
import type { Input, OperationContext } from "./context.js";
import { decodeNextToken, encodeNextToken } from "./next-token.js";

/** AddTags, ListTags and DeleteTags on the jobs' ARNs, and the Tags a Create request carries. */

/** SageMaker's limit on the tags of one resource. */
const MAX_TAGS = 50;

const RESOURCE_KINDS: Readonly<Record<string, ResourceKind>> = {
  "hyper-parameter-tuning-job": "tuning-job",
  "training-job": "training-job",
};

/** The job an ARN names, which must exist, in this server's region and account. */
async function resourceOf(store: Store, arn: string): Promise<{ kind: ResourceKind; name: string }> {
  const { region, account } = arnScope();
  const m = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]*):([0-9]{12}):([a-z-]+)\/(.+)$/.exec(arn);
  const kind = m ? RESOURCE_KINDS[m[3] as string] : undefined;
  const missing = new AwsError("ResourceNotFound", `Resource ${arn} not found`);
  if (!m || !kind || m[1] !== region || m[2] !== account) throw missing;
  const name = m[4] as string;
  const record = kind === "tuning-job" ? await store.getTuningJob(name) : await store.getTrainingJob(name);
  if (!record || ("kind" in record && record.kind !== "tuning-job")) throw missing;
  return { kind, name: record.name };
}

export async function addTags(store: Store, kind: ResourceKind, name: string, tags: readonly Tag[]): Promise<Tag[]> {
  const held = await store.listTags(kind, name);
  const keys = new Set([...held.map((t) => t.Key), ...tags.map((t) => t.Key)]);
  if (keys.size > MAX_TAGS) {
    throw new AwsError(
      "ResourceLimitExceeded",
      `A resource can have at most ${MAX_TAGS} tags; this request would give it ${keys.size}`,
    );
  }
  await store.addTags(kind, name, tags);
  return tags.slice();
}

export async function AddTags(input: Input, { store }: OperationContext): Promise<AddTagsOutput> {
  const { kind, name } = await resourceOf(store, input.ResourceArn as string);
  return { Tags: await addTags(store, kind, name, input.Tags as Tag[]) };
}

export async function ListTags(input: Input, { store }: OperationContext): Promise<ListTagsOutput> {
  const { kind, name } = await resourceOf(store, input.ResourceArn as string);
  const offset = decodeNextToken("ListTags", input);
  const max = (input.MaxResults as number | undefined) ?? MAX_TAGS;
  const tags = await store.listTags(kind, name);
  return {
    Tags: tags.slice(offset, offset + max),
    ...(offset + max < tags.length ? { NextToken: encodeNextToken("ListTags", input, offset + max) } : {}),
  };
}

export async function DeleteTags(input: Input, { store }: OperationContext): Promise<DeleteTagsOutput> {
  const { kind, name } = await resourceOf(store, input.ResourceArn as string);
  await store.deleteTags(kind, name, input.TagKeys as string[]);
  return {};
}
