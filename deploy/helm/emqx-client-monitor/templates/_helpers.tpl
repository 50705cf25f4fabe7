{{/*
Name of the chart, overridable.
*/}}
{{- define "emqx-client-monitor.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: the release name, joined with the chart name unless it already contains it; at most 63 characters.
*/}}
{{- define "emqx-client-monitor.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "emqx-client-monitor.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "emqx-client-monitor.labels" -}}
helm.sh/chart: {{ include "emqx-client-monitor.chart" . }}
{{ include "emqx-client-monitor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: exporter
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels (Deployment, Service, ServiceMonitor, NetworkPolicy).
*/}}
{{- define "emqx-client-monitor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "emqx-client-monitor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "emqx-client-monitor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "emqx-client-monitor.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Name of the Secret with the EMQX API credentials: the existing one, or the one the chart creates.
*/}}
{{- define "emqx-client-monitor.secretName" -}}
{{- default (include "emqx-client-monitor.fullname" .) .Values.credentials.existingSecret }}
{{- end }}

{{- define "emqx-client-monitor.routesConfigMapName" -}}
{{- default (printf "%s-routes" (include "emqx-client-monitor.fullname" .)) .Values.routesOverride.existingConfigMap }}
{{- end }}

{{- define "emqx-client-monitor.routesOverridden" -}}
{{- if or .Values.routesOverride.existingConfigMap .Values.routesOverride.files }}true{{ end }}
{{- end }}

{{- define "emqx-client-monitor.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
Environment variables configuring the EMQX brokers. camel-main maps an environment variable onto the
property of the same name (EMQX_BROKER_EU_API_SECRET -> emqx.broker.eu.api.secret).
One broker: single-broker properties (emqx.url, emqx.api.key, ...). Several: emqx.brokers=a,b and
emqx.broker.<name>.* per broker.
*/}}
{{- define "emqx-client-monitor.brokerEnv" -}}
{{- $secretName := include "emqx-client-monitor.secretName" . }}
{{- $single := eq (len .Values.brokers) 1 }}
{{- if not $single }}
{{- $names := list }}
{{- range .Values.brokers }}{{ $names = append $names .name }}{{ end }}
- name: EMQX_BROKERS
  value: {{ join "," $names | quote }}
{{- end }}
{{- range $broker := .Values.brokers }}
{{- $prefix := ternary "EMQX_" (printf "EMQX_BROKER_%s_" (upper $broker.name)) $single }}
- name: {{ $prefix }}URL
  value: {{ $broker.url | quote }}
- name: {{ $prefix }}ALIAS
  value: {{ default $broker.name $broker.alias | quote }}
- name: {{ $prefix }}API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $broker.name }}-api-key
- name: {{ $prefix }}API_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $broker.name }}-api-secret
- name: {{ $prefix }}TIMEOUT_SECONDS
  value: {{ $broker.timeoutSeconds | default 5 | quote }}
- name: {{ $prefix }}ATTEMPTS
  value: {{ $broker.attempts | default 3 | quote }}
- name: {{ $prefix }}TLS_INSECURE
  value: {{ dig "tls" "insecure" false $broker | quote }}
{{- if dig "tls" "caBundle" "" $broker }}
- name: {{ $prefix }}TLS_CA_BUNDLE
  value: /app/config/ca-{{ $broker.name }}.pem
{{- end }}
- name: {{ $prefix }}CLIENTS_FILE
  value: /app/config/clients-{{ $broker.name }}.yaml
{{- with (dig "clients" "like" "" $broker) }}
- name: {{ $prefix }}CLIENTS_LIKE
  value: {{ . | quote }}
{{- end }}
{{- with (dig "clients" "pattern" "" $broker) }}
{{- /* $$: the kubelet expands $(NAME) in env values, and a regex may well contain "$(" */}}
- name: {{ $prefix }}CLIENTS_PATTERN
  value: {{ . | replace "$" "$$" | quote }}
{{- end }}
{{- with (dig "events" "mqtt" "url" "" $broker) }}
- name: {{ $prefix }}EVENTS_MQTT_URL
  value: {{ . | quote }}
{{- with (dig "events" "mqtt" "username" "" $broker) }}
- name: {{ $prefix }}EVENTS_MQTT_USERNAME
  value: {{ . | quote }}
{{- end }}
- name: {{ $prefix }}EVENTS_MQTT_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $broker.name }}-events-mqtt-password
      optional: true
{{- if and (hasPrefix "ssl://" (dig "events" "mqtt" "url" "" $broker)) (dig "tls" "caBundle" "" $broker) }}
- name: {{ $prefix }}EVENTS_MQTT_CA_FILE
  value: /app/config/ca-{{ $broker.name }}.pem
{{- end }}
{{- if (dig "events" "mqtt" "insecure" false $broker) }}
- name: {{ $prefix }}EVENTS_MQTT_INSECURE
  value: "true"
{{- end }}
{{- with (dig "events" "mqtt" "topic" "" $broker) }}
- name: {{ $prefix }}EVENTS_MQTT_TOPIC
  value: {{ . | replace "$" "$$" | quote }}
{{- end }}
{{- end }}
{{- if (dig "events" "webhook" "enabled" false $broker) }}
- name: {{ $prefix }}EVENTS_WEBHOOK_ENABLED
  value: "true"
- name: {{ $prefix }}EVENTS_WEBHOOK_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $broker.name }}-events-webhook-token
{{- end }}
{{- end }}
{{- end }}

{{/*
Checks values.schema.json cannot express: unique broker names, unique aliases and client ids per broker.
*/}}
{{- define "emqx-client-monitor.validate" -}}
{{- $brokers := dict }}
{{- range $b := .Values.brokers }}
{{- if hasKey $brokers $b.name }}
{{- fail (printf "brokers: the name %q is used more than once" $b.name) }}
{{- end }}
{{- $_ := set $brokers $b.name true }}
{{- $aliases := dict }}
{{- $ids := dict }}
{{- range $b.monitoredClients }}
{{- if hasKey $aliases .alias }}
{{- fail (printf "brokers[%s].monitoredClients: the alias %q is used more than once" $b.name .alias) }}
{{- end }}
{{- if hasKey $ids .client_id }}
{{- fail (printf "brokers[%s].monitoredClients: the client_id %q is listed more than once" $b.name .client_id) }}
{{- end }}
{{- $_ := set $aliases .alias true }}
{{- $_ := set $ids .client_id true }}
{{- end }}
{{- end }}
{{- end }}

{{/*
"true" when the exporter runs as StatefulSets: more than one shard, or more than one replica of each.
*/}}
{{- define "emqx-client-monitor.statefulSets" -}}
{{- if or (gt (int .Values.sharding.shards) 1) (gt (int .Values.sharding.replicas) 1) }}true{{ end }}
{{- end }}

{{/*
The pod label telling replicas apart; the ServiceMonitor copies it into the `replica` target label, which the
alerts and the dashboard use so that two replicas do not count everything twice.
*/}}
{{- define "emqx-client-monitor.replicaLabel" -}}
emqx-client-monitor.io/replica
{{- end }}

{{/*
The prefix of the StatefulSets' names (<prefix>-r0, -r1, ...): the full name cut to 48 characters. Kubernetes puts
<statefulset>-<revision hash, about 10 characters> in each pod's controller-revision-hash label (at most 63), so a
StatefulSet name above 52 characters leaves its pods without a revision and the rollout stuck.
*/}}
{{- define "emqx-client-monitor.statefulSetPrefix" -}}
{{- include "emqx-client-monitor.fullname" . | trunc 48 | trimSuffix "-" }}
{{- end }}

{{/*
The headless Service of the StatefulSets: stable pod names (and DNS), and what the ServiceMonitor scrapes, pod by pod.
*/}}
{{- define "emqx-client-monitor.podsServiceName" -}}
{{- printf "%s-pods" (include "emqx-client-monitor.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
