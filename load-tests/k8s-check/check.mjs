// Validates rendered Kubernetes objects against their published schemas, unknown fields rejected.
//   node check.mjs rendered-1.yaml [rendered-2.yaml ...]
// Each object is validated twice: at run time by its model's JSON-schema validator (types, required fields,
// formats, enums), and by TypeScript: every object becomes a fresh object literal passed to its model's
// constructor, so tsc rejects any field the schema does not define, at any depth (the schema validators alone
// accept unknown fields). Kinds with no model here (Strimzi's, the Redis operator's) are listed as not validated.
// Prints one line per kind and exits 1 on any error.
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";

const PACKAGES = ["kubernetes-models", "@kubernetes-models/cloudnative-pg", "@kubernetes-models/prometheus-operator"];

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  for (const pkg of PACKAGES) {
    const specifier = `${pkg}/${group ? group + "/" : ""}${version}`;
    try {
      const module = await import(specifier);
      if (module[kind]) {
        return { specifier, model: module[kind] };
      }
    } catch {
      // not this package
    }
  }
  return null;
}

const objects = [];
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.error(`${file}: ${doc.errors[0].message}`);
      process.exit(1);
    }
    const object = doc.toJS();
    if (object) {
      objects.push({ file, object });
    }
  }
}

let errors = 0;
const imports = new Map();
const literals = [];
const validated = new Map();
const skipped = new Map();
for (const { file, object } of objects) {
  const name = `${object.apiVersion} ${object.kind} ${object.metadata?.namespace ?? ""}/${object.metadata?.name}`;
  const found = await modelOf(object.apiVersion, object.kind);
  if (!found) {
    skipped.set(`${object.apiVersion} ${object.kind}`, (skipped.get(`${object.apiVersion} ${object.kind}`) ?? 0) + 1);
    continue;
  }
  try {
    new found.model(object).validate();
  } catch (e) {
    errors++;
    console.error(`schema: ${name} (${file}): ${e.message}`);
  }
  const alias = `M${imports.size}`;
  const key = `${found.specifier}#${object.kind}`;
  if (!imports.has(key)) {
    imports.set(key, { alias, specifier: found.specifier, kind: object.kind });
  }
  // The model sets apiVersion and kind itself; its constructor takes the rest.
  const { apiVersion, kind, ...data } = object;
  literals.push(`// ${name}\nnew ${imports.get(key).alias}(${JSON.stringify(data, null, 1)});`);
  validated.set(`${object.apiVersion} ${object.kind}`, (validated.get(`${object.apiVersion} ${object.kind}`) ?? 0) + 1);
}

mkdirSync("generated", { recursive: true });
writeFileSync("generated/objects.ts",
  [...imports.values()].map(i => `import { ${i.kind} as ${i.alias} } from "${i.specifier}";`).join("\n")
  + "\n\n" + literals.join("\n\n") + "\n");
writeFileSync("generated/tsconfig.json", JSON.stringify({
  compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext",
    skipLibCheck: true, types: [] },
  files: ["objects.ts"],
}));
try {
  execFileSync("node_modules/.bin/tsc", ["-p", "generated/tsconfig.json"], { stdio: "pipe" });
} catch (e) {
  const out = e.stdout.toString();
  errors += (out.match(/error TS/g) ?? []).length;
  console.error(out.split("\n").filter(l => l.includes("error TS")).slice(0, 20).join("\n"));
}

for (const [kind, n] of validated) console.log(`validated: ${kind} x${n}`);
for (const [kind, n] of skipped) console.log(`not validated here: ${kind} x${n}`);
console.log(`${errors} error(s)`);
process.exit(errors === 0 ? 0 : 1);
