{{/*
The pod template of the Deployment (one shard, one replica) and of every StatefulSet (shards or replicas).
Arguments: root (the chart's context), replica (the replica index as a string; "" for the Deployment).
*/}}
{{- define "emqx-client-monitor.podTemplate" -}}
{{- $root := .root }}
{{- $replica := .replica }}
{{- $sharded := include "emqx-client-monitor.statefulSets" $root }}
{{- $routesOverridden := include "emqx-client-monitor.routesOverridden" $root -}}
metadata:
  labels:
    {{- include "emqx-client-monitor.selectorLabels" $root | nindent 4 }}
    {{- if $sharded }}
    {{ include "emqx-client-monitor.replicaLabel" $root }}: {{ $replica | quote }}
    {{- end }}
    {{- with $root.Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- if not $root.Values.credentials.existingSecret }}
    checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
    {{- end }}
    {{- if $root.Values.routesOverride.files }}
    checksum/routes: {{ include (print $root.Template.BasePath "/routes-configmap.yaml") $root | sha256sum }}
    {{- end }}
    {{- with $root.Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "emqx-client-monitor.serviceAccountName" $root }}
  # The exporter does not talk to the Kubernetes API.
  automountServiceAccountToken: false
  # No EMQX_SERVICE_HOST / EMQX_PORT ... variables from a Service named "emqx" next to the properties.
  enableServiceLinks: false
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: exporter
      image: {{ include "emqx-client-monitor.image" $root | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      ports:
        - name: http
          containerPort: {{ $root.Values.containerPort }}
          protocol: TCP
      env:
        # Ports only through -D: camel-main ignores environment variables ending in _PORT.
        - name: JAVA_OPTS
          value: {{ printf "-Dcamel.server.port=%v %s" $root.Values.containerPort $root.Values.javaOpts | trim | quote }}
        - name: CAMEL_SERVER_HOST
          value: "0.0.0.0"
        - name: MONITOR_POLL_INTERVAL_SECONDS
          value: {{ $root.Values.pollIntervalSeconds | quote }}
        - name: MONITOR_STATE_FILE
          value: /app/data/state.json
        - name: MONITOR_MAX_CLIENTS
          value: {{ $root.Values.monitor.maxClients | quote }}
        - name: MONITOR_FORGET_AFTER
          value: {{ $root.Values.monitor.forgetAfter | quote }}
        {{- if $sharded }}
        # The shard is the StatefulSet ordinal of the pod (name-N), the total the chart's sharding.shards.
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: MONITOR_SHARD
          value: auto
        - name: MONITOR_TOTAL_SHARDS
          value: {{ $root.Values.sharding.shards | quote }}
        {{- end }}
        - name: METRICS_ENABLE_PROCESSED_COUNTERS
          value: {{ $root.Values.metrics.enableProcessedCounters | quote }}
        - name: METRICS_ENABLE_QOS_SPLIT
          value: {{ $root.Values.metrics.enableQosSplit | quote }}
        - name: METRICS_ENABLE_DROPPED_COUNTERS
          value: {{ $root.Values.metrics.enableDroppedCounters | quote }}
        - name: METRICS_ENABLE_REASON_SPLIT
          value: {{ $root.Values.metrics.enableReasonSplit | quote }}
        - name: METRICS_ENABLE_BYTES_METRICS
          value: {{ $root.Values.metrics.enableBytesMetrics | quote }}
        - name: METRICS_ENABLE_PACKET_METRICS
          value: {{ $root.Values.metrics.enablePacketMetrics | quote }}
        - name: METRICS_ENABLE_DATES
          value: {{ $root.Values.metrics.enableDates | quote }}
        - name: METRICS_ENABLE_INFLIGHT_METRICS
          value: {{ $root.Values.metrics.enableInflightMetrics | quote }}
        - name: METRICS_ENABLE_SUBSCRIPTION_COUNT
          value: {{ $root.Values.metrics.enableSubscriptionCount | quote }}
        - name: METRICS_ENABLE_SESSION_METRICS
          value: {{ $root.Values.metrics.enableSessionMetrics | quote }}
        - name: METRICS_ENABLE_SESSION_HISTOGRAMS
          value: {{ $root.Values.metrics.enableSessionHistograms | quote }}
        {{- include "emqx-client-monitor.brokerEnv" $root | trim | nindent 8 }}
        {{- with $root.Values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- if $root.Values.probes.startup.enabled }}
      startupProbe:
        httpGet:
          path: /-/healthy
          port: http
        periodSeconds: {{ $root.Values.probes.startup.periodSeconds }}
        timeoutSeconds: {{ $root.Values.probes.startup.timeoutSeconds }}
        failureThreshold: {{ $root.Values.probes.startup.failureThreshold }}
      {{- end }}
      {{- if $root.Values.probes.liveness.enabled }}
      livenessProbe:
        httpGet:
          path: /-/healthy
          port: http
        periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
        timeoutSeconds: {{ $root.Values.probes.liveness.timeoutSeconds }}
        failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
      {{- end }}
      {{- if $root.Values.probes.readiness.enabled }}
      readinessProbe:
        httpGet:
          path: /-/ready
          port: http
        periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
        timeoutSeconds: {{ $root.Values.probes.readiness.timeoutSeconds }}
        failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
      {{- end }}
      resources:
        {{- toYaml $root.Values.resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: data
          mountPath: /app/data
        - name: tmp
          mountPath: /tmp
        - name: config
          mountPath: /app/config
          readOnly: true
        {{- if $routesOverridden }}
        - name: routes
          mountPath: /app/routes
          readOnly: true
        {{- end }}
        {{- with $root.Values.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    {{- if not (and $sharded $root.Values.sharding.persistence.enabled) }}
    - name: data
      emptyDir:
        sizeLimit: {{ $root.Values.volumes.data.sizeLimit }}
    {{- end }}
    - name: tmp
      emptyDir:
        sizeLimit: {{ $root.Values.volumes.tmp.sizeLimit }}
    - name: config
      configMap:
        name: {{ include "emqx-client-monitor.fullname" $root }}
    {{- if $routesOverridden }}
    - name: routes
      configMap:
        name: {{ include "emqx-client-monitor.routesConfigMapName" $root }}
    {{- end }}
    {{- with $root.Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if $root.Values.affinity }}
  affinity:
    {{- toYaml $root.Values.affinity | nindent 4 }}
  {{- else if $sharded }}
  # Every exporter pod of the release prefers a node without another one: with at least as many nodes as pods, the
  # replicas of a shard are on different nodes and a node lost is not a shard lost. With fewer nodes the pods are
  # only spread evenly; nothing here keeps one shard's replicas apart (a pod template cannot name its own shard:
  # that needs matchLabelKeys on apps.kubernetes.io/pod-index, Kubernetes 1.31+; set `affinity` for it).
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            labelSelector:
              matchLabels:
                {{- include "emqx-client-monitor.selectorLabels" $root | nindent 16 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
