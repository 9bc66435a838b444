"""Real peers for the tests: an HL7 v2 MLLP listener (hl7apy), a FHIR R4 validator and server (npm),
certificates and stored records."""
