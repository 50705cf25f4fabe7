#!/usr/bin/env node
// Offline schema validation of Kubernetes manifests (no cluster, no network).
//
//   npm ci --prefix deploy/validate
//   node deploy/validate/validate.mjs target/helm-renders/*.yaml deploy/kubernetes/*.yaml
//
// Every YAML document of every file given is checked against the OpenAPI schema of its kind
// (kubernetes-models for the core kinds, @kubernetes-models/prometheus-operator for ServiceMonitor,
// PodMonitor and PrometheusRule). Exit code 0: all valid; 1: a document is invalid or of a kind this
// script has no schema for; 2: usage error (no file, unreadable file, YAML syntax error).
// Files that are not manifests are skipped by name: Helm values (values*.yaml) and kustomization.yaml.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as yaml from 'js-yaml';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodMonitor, PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';

const MODELS = new Map([
  ['apps/v1 Deployment', Deployment],
  ['apps/v1 StatefulSet', StatefulSet],
  ['policy/v1 PodDisruptionBudget', PodDisruptionBudget],
  ['v1 ConfigMap', ConfigMap],
  ['v1 Secret', Secret],
  ['v1 Service', Service],
  ['v1 ServiceAccount', ServiceAccount],
  ['networking.k8s.io/v1 NetworkPolicy', NetworkPolicy],
  ['monitoring.coreos.com/v1 ServiceMonitor', ServiceMonitor],
  ['monitoring.coreos.com/v1 PodMonitor', PodMonitor],
  ['monitoring.coreos.com/v1 PrometheusRule', PrometheusRule],
]);

const NOT_MANIFESTS = [/^values.*\.ya?ml$/, /^kustomization\.ya?ml$/];
const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// Checks the schemas do not make: things the API server or the operator would reject or ignore.
function extraChecks(doc) {
  const problems = [];
  const name = doc.metadata?.name;
  if (typeof name !== 'string' || !DNS_1123.test(name) || name.length > 253) {
    problems.push(`metadata.name ${JSON.stringify(name)} is not a DNS-1123 name`);
  }
  if (doc.kind === 'Deployment' || doc.kind === 'StatefulSet') {
    for (const c of doc.spec?.template?.spec?.containers ?? []) {
      for (const e of c.env ?? []) {
        if (e.value !== undefined && typeof e.value !== 'string') {
          problems.push(`container ${c.name}: env ${e.name} value must be a string, got ${typeof e.value}`);
        }
      }
    }
  }
  if (doc.kind === 'PrometheusRule') {
    for (const g of doc.spec?.groups ?? []) {
      if (!Array.isArray(g.rules) || g.rules.length === 0) problems.push(`rule group ${g.name} has no rules`);
      for (const r of g.rules ?? []) {
        if (!r.alert === !r.record) problems.push(`group ${g.name}: a rule needs exactly one of alert/record`);
        if (typeof r.expr !== 'string' || r.expr.trim() === '') problems.push(`group ${g.name}: rule without expr`);
      }
    }
  }
  return problems;
}

function validate(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { usage: [`${file}: ${e.message}`] };
  }
  let docs;
  try {
    docs = yaml.loadAll(text);
  } catch (e) {
    return { usage: [`${file}: YAML syntax error: ${e.message}`] };
  }
  const errors = [];
  let count = 0;
  docs.forEach((doc, index) => {
    if (doc === null || doc === undefined) return; // empty document between two ---
    const where = `${file}#${index + 1}`;
    if (typeof doc !== 'object' || Array.isArray(doc) || !doc.apiVersion || !doc.kind) {
      errors.push(`${where}: not a Kubernetes object (apiVersion and kind required)`);
      return;
    }
    const id = `${where} ${doc.kind}/${doc.metadata?.name}`;
    const Model = MODELS.get(`${doc.apiVersion} ${doc.kind}`);
    if (!Model) {
      errors.push(`${id}: no schema for ${doc.apiVersion} ${doc.kind} in this validator`);
      return;
    }
    count++;
    try {
      new Model(doc).validate();
    } catch (e) {
      errors.push(`${id}: ${e.message}`);
    }
    for (const p of extraChecks(doc)) errors.push(`${id}: ${p}`);
  });
  return { errors, count };
}

const files = process.argv.slice(2);
if (files.length === 0 || files.includes('--help') || files.includes('-h')) {
  console.error('usage: node validate.mjs FILE.yaml...');
  process.exit(files.length === 0 ? 2 : 0);
}

let documents = 0;
let manifests = 0;
const errors = [];
const usage = [];
for (const file of files) {
  if (NOT_MANIFESTS.some((re) => re.test(basename(file)))) {
    console.log(`skip ${file} (not a manifest)`);
    continue;
  }
  const result = validate(file);
  if (result.usage) {
    usage.push(...result.usage);
    continue;
  }
  manifests++;
  documents += result.count;
  errors.push(...result.errors);
  console.log(`${result.errors.length === 0 ? 'ok  ' : 'FAIL'} ${file} (${result.count} documents)`);
}

for (const e of [...usage, ...errors]) console.error(e);
if (usage.length > 0) process.exit(2);
if (documents === 0) {
  console.error('no Kubernetes documents were validated');
  process.exit(1);
}
console.log(`${documents} documents in ${manifests} files: ${errors.length === 0 ? 'all valid' : `${errors.length} problems`}`);
process.exit(errors.length === 0 ? 0 : 1);
