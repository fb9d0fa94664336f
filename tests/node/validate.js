// Independent check of FHIR JSON with the npm 'fhir' package (FHIR.js, base R4 spec):
// node validate.js FILE... -> one JSON line per file: {file, valid, errors: [...]}.
// Used by tests/test_fhir_node.py; severity "error" messages only.
"use strict";
const fs = require("fs");
const { Fhir } = require("fhir");

const fhir = new Fhir();
for (const file of process.argv.slice(2)) {
  const resource = JSON.parse(fs.readFileSync(file, "utf8"));
  const result = fhir.validate(resource, { errorOnUnexpected: true });
  const errors = result.messages
    .filter((m) => m.severity === "error")
    .map((m) => `${m.location}: ${m.message}`);
  console.log(JSON.stringify({ file, valid: result.valid, errors }));
}
