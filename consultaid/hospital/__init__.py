"""Sending finalized summaries to the hospital's record, in the two forms integration teams accept.

- `document.py`: what is sent (`HospitalDocument`, built from a stored record and its exact PDF bytes) and
  the destination settings (`HospitalSettings`);
- `hl7_mdm.py` and `mllp.py`: an HL7 v2.5 MDM^T02 message with the PDF embedded, sent over MLLP;
- `fhir_bundle.py` and `fhir_client.py`: a FHIR R4 transaction in the IHE MHD ITI-65 shape, POSTed to a
  FHIR server.

Qt-free. Nothing here opens a socket unless it is called with a configured destination; the durable
outbox that calls it after finalizing is a later step (see docs/it.md).
"""
