// Judges character files with Eliza 0.1.9's own schema (`CharacterSchema` of
// `@elizaos/core@0.1.9`) for `cargo xtask eliza-conformance`.
//
// usage: node judge.mjs OUT.json FILE...
// Writes to OUT.json (Eliza's logger writes to standard output when it loads):
// {"enums": {"modelProvider": [...], "clients": [...]},
//  "verdicts": [{"file", "valid", "issues": [{"path": "$.a[0].b", "code", "message"}]}]}
import { readFileSync, writeFileSync } from "node:fs";
import { CharacterSchema, Clients, ModelProviderName } from "@elizaos/core";

const [out, ...files] = process.argv.slice(2);
if (!out) {
  console.error("usage: node judge.mjs OUT.json FILE...");
  process.exit(2);
}

// zod's path (["messageExamples", 0, 1, "user"]) as the crate writes it.
const jsonPath = (path) =>
  "$" + path.map((key) => (typeof key === "number" ? `[${key}]` : `.${key}`)).join("");

const verdicts = files.map((file) => {
  const value = JSON.parse(readFileSync(file, "utf8"));
  const result = CharacterSchema.safeParse(value);
  return {
    file,
    valid: result.success,
    issues: result.success
      ? []
      : result.error.issues.map((issue) => ({
          path: jsonPath(issue.path),
          code: issue.code,
          message: issue.message,
        })),
  };
});

writeFileSync(
  out,
  JSON.stringify({
    enums: {
      modelProvider: Object.values(ModelProviderName),
      clients: Object.values(Clients),
    },
    verdicts,
  }),
);
