// Uploads a job's outputs in its own process, so a test can kill it part-way:
// node --import tsx upload-outputs-child.ts <settings JSON> <S3OutputPath> <job name> <model file> <output file>
import { uploadJobOutputs } from "../../src/objects/job-outputs.js";
import { ObjectStores } from "../../src/objects/object-stores.js";

const [settings, s3OutputPath, jobName, modelFile, outputFile] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const stores = new ObjectStores({ s3: JSON.parse(settings) });
const locations = await uploadJobOutputs({ stores, s3OutputPath, jobName, modelFile, outputFile });
stores.close();
process.stdout.write(`${JSON.stringify(locations)}\n`);
