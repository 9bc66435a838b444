// A real FHIR R4 endpoint for the tests: @medplum/fhir-router (a FHIR REST implementation: transactions,
// conditional create, search) with its in-memory repository, behind a few lines of Node HTTP. Every
// resource written is first validated against the official R4 definitions (@medplum/core); an invalid
// one is refused with 400 and the validator's OperationOutcome, as a strict server would.
// Usage: node fhir_server.cjs PORT_FILE TOKEN [CERT KEY CA]; it writes the port it listens on to
// PORT_FILE. With CERT and KEY it serves HTTPS, and a client certificate issued by CA is accepted in place
// of the bearer token.
'use strict';
const http = require('http');
const https = require('https');
const fs = require('fs');
const { getStatus, normalizeOperationOutcome, validateResource, OperationOutcomeError } = require('@medplum/core');
const { FhirRouter, MemoryRepository } = require('@medplum/fhir-router');
const { loadR4 } = require('./fhir_definitions.cjs');

loadR4();
const [portFile, token, certFile, keyFile, caFile] = process.argv.slice(2);
const router = new FhirRouter();
const repo = new MemoryRepository();
const BASE = '/fhir/R4';

function invalid(body) {
  const resources = body && body.resourceType === 'Bundle'
    ? (body.entry || []).map((entry) => entry.resource).filter(Boolean) : [body];
  for (const resource of resources) {
    if (!resource || !resource.resourceType) continue;
    let issues;
    try {
      issues = validateResource(resource) || [];
    } catch (error) {
      if (!(error instanceof OperationOutcomeError)) throw error;
      issues = error.outcome.issue;
    }
    const errors = issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
    if (errors.length) return { resourceType: 'OperationOutcome', issue: errors };
  }
  return undefined;
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/fhir+json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function handle(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const certified = Boolean(caFile && req.socket.authorized);
      if (token && !certified && req.headers.authorization !== `Bearer ${token}`) {
        send(res, 401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login',
          details: { text: 'Unauthorized' } }] });
        return;
      }
      const url = new URL(req.url, 'http://localhost');
      if (!url.pathname.startsWith(BASE)) {
        send(res, 404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found',
          details: { text: 'Not found' } }] });
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : undefined;
      if (body && (req.method === 'POST' || req.method === 'PUT')) {
        const outcome = invalid(body);
        if (outcome) { send(res, 400, outcome); return; }
      }
      const query = {};
      for (const [key, value] of url.searchParams) query[key] = value;
      const request = { method: req.method, url: url.pathname.slice(BASE.length + 1) + url.search,
        pathname: '', body, params: {}, query, headers: req.headers, config: { transactions: true } };
      const [outcome, resource] = await router.handleRequest(request, repo);
      send(res, getStatus(outcome), resource || outcome);
    } catch (error) {
      send(res, 500, normalizeOperationOutcome(error));
    }
  });
}

const server = certFile
  ? https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile),
    ca: caFile ? fs.readFileSync(caFile) : undefined, requestCert: Boolean(caFile), rejectUnauthorized: false },
  handle)
  : http.createServer(handle);
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile, String(server.address().port));
});
