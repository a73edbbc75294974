// Validates Kubernetes manifests against the API schemas of kubernetes-models (and the CRDs of
// KEDA and the Prometheus Operator):
//   node validate-manifests.mjs FILE...
// Prints one line per document; exits 1 if any document is invalid or of an unknown kind.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// API groups outside kubernetes-models' core set, by the package that models them.
const packages = {
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

async function modelOf(apiVersion, kind) {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  const module = `${packages[group] ?? "kubernetes-models"}/${apiVersion}`;
  try {
    return (await import(module))[kind];
  } catch {
    return undefined;
  }
}

let documents = 0;
let failures = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      failures++;
      console.log(`INVALID ${file}: not YAML: ${doc.errors[0].message}`);
      continue;
    }
    const object = doc.toJS();
    if (object == null) continue; // an empty document between two ---
    documents++;
    const name = `${object.kind}/${object.metadata?.name} (${object.apiVersion})`;
    const Model = object.apiVersion && object.kind ? await modelOf(object.apiVersion, object.kind) : undefined;
    if (!Model) {
      failures++;
      console.log(`INVALID ${file}: ${name}: no schema for this apiVersion and kind`);
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`valid   ${file}: ${name}`);
    } catch (error) {
      failures++;
      console.log(`INVALID ${file}: ${name}: ${error.message}`);
    }
  }
}
console.log(`${documents} documents, ${failures} invalid`);
process.exit(failures || documents === 0 ? 1 : 0);
