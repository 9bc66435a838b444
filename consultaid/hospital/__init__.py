"""Sending finalized summaries to the hospital's record, in the two forms integration teams accept.

- `document.py`: what is sent (`HospitalDocument`, built from a stored record and its exact PDF bytes) and
  the destination settings (`HospitalSettings`);
- `hl7_mdm.py` and `mllp.py`: an HL7 v2.5 MDM^T02 message with the PDF embedded, sent over MLLP;
- `fhir_bundle.py` and `fhir_client.py`: a FHIR R4 transaction in the IHE MHD ITI-65 shape, POSTed to a
  FHIR server.

- `outbox.py`: the sender of the durable outbox finalize fills (retries, back-off, audit), with
  `outbox_settings.py` (Settings › Hospital record to destinations and credentials) and
  `outbox_test_message.py` (the settings page's test).

Qt-free. Nothing here opens a socket unless it is called with a configured destination (docs/it.md).
"""
