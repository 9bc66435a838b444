// A third-party FHIR R4 validator for the tests: reads one resource (JSON) on standard input and prints
// the issues @medplum/core's validateResource finds against the official R4 StructureDefinitions
// (cardinalities, types, required bindings, invariants), one JSON array on standard output.
'use strict';
const { validateResource, OperationOutcomeError } = require('@medplum/core');
const { loadR4 } = require('./fhir_definitions.cjs');

loadR4();
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const resources = [].concat(JSON.parse(input));
  const report = resources.map((resource) => {
    try {
      return { resourceType: resource.resourceType, issues: validateResource(resource) || [] };
    } catch (error) {
      if (error instanceof OperationOutcomeError) {
        return { resourceType: resource.resourceType, issues: error.outcome.issue };
      }
      throw error;
    }
  });
  process.stdout.write(JSON.stringify(report));
});
