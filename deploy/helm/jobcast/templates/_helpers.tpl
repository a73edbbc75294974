{{/* The release's name prefix: "<release>-jobcast", or the release name if it says jobcast. */}}
{{- define "jobcast.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* A component's object name, e.g. "r-jobcast-job-service". Argument: (list $ "job-service"). */}}
{{- define "jobcast.name" -}}
{{- printf "%s-%s" (include "jobcast.fullname" (index . 0)) (index . 1) -}}
{{- end -}}

{{- define "jobcast.selectorLabels" -}}
app.kubernetes.io/name: jobcast
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "jobcast.labels" -}}
{{ include "jobcast.selectorLabels" . }}
app.kubernetes.io/version: {{ (index . 0).Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ (index . 0).Release.Service }}
helm.sh/chart: {{ printf "%s-%s" (index . 0).Chart.Name (index . 0).Chart.Version }}
{{- end -}}

{{- define "jobcast.secretName" -}}
{{- .Values.existingSecret | default (include "jobcast.fullname" .) -}}
{{- end -}}

{{/* A value of the chart's Secret: the one given, else the one already installed (so upgrades
     keep generated passwords), else a new random one. Argument: (list $ "key" given). */}}
{{- define "jobcast.secretValue" -}}
{{- $root := index . 0 -}}{{- $key := index . 1 -}}{{- $given := index . 2 -}}
{{- if $given -}}
{{- $given -}}
{{- else -}}
{{- /* Only upgrades look: an install has nothing to keep, and `helm template` no cluster. */ -}}
{{- $installed := dict -}}
{{- if $root.Release.IsUpgrade -}}
{{- $installed = lookup "v1" "Secret" $root.Release.Namespace (include "jobcast.fullname" $root) -}}
{{- end -}}
{{- if and $installed (hasKey ($installed.data | default dict) $key) -}}
{{- index $installed.data $key | b64dec -}}
{{- else -}}
{{- randAlphaNum 32 -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* <registry>/<repository>/<service>:<tag>. Argument: (list $ "job-service"). */}}
{{- define "jobcast.image" -}}
{{- $values := (index . 0).Values.image -}}
{{- $repository := printf "%s/%s" $values.repository (index . 1) -}}
{{- with $values.registry }}{{ $repository = printf "%s/%s" (trimSuffix "/" .) $repository }}{{ end -}}
{{- printf "%s:%s" $repository ($values.tag | default (index . 0).Chart.AppVersion) -}}
{{- end -}}

{{/* A Deployment of one Jobcast service. Argument: dict with root ($), component, port,
     settings (its values: replicas, resources, autoscaling), env (extra env entries). */}}
{{- define "jobcast.deployment" -}}
{{- $root := .root -}}
{{- $name := include "jobcast.name" (list $root .component) -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels: {{- include "jobcast.labels" (list $root .component) | nindent 4 }}
spec:
  {{- if not .autoscaled }}
  replicas: {{ .settings.replicas }}
  {{- end }}
  selector:
    matchLabels: {{- include "jobcast.selectorLabels" (list $root .component) | nindent 6 }}
  template:
    metadata:
      labels: {{- include "jobcast.selectorLabels" (list $root .component) | nindent 8 }}
      annotations:
        # A changed setting rolls the pods.
        checksum/config: {{ include (print $root.Template.BasePath "/config.yaml") $root | sha256sum }}
        {{- if $root.Values.monitoring.podAnnotations }}
        # For a Prometheus that discovers pods by annotation (no operator).
        prometheus.io/scrape: "true"
        prometheus.io/path: /q/metrics
        prometheus.io/port: {{ .port | quote }}
        {{- end }}
    spec:
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets: {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .terminationGracePeriodSeconds }}
      terminationGracePeriodSeconds: {{ . }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      # Spread replicas over nodes where the scheduler can.
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels: {{- include "jobcast.selectorLabels" (list $root .component) | nindent 14 }}
      containers:
        - name: {{ .component }}
          image: {{ include "jobcast.image" (list $root .component) }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .port }}
          envFrom:
            - configMapRef:
                name: {{ include "jobcast.fullname" $root }}
          env:
            - name: QUARKUS_HTTP_PORT
              value: {{ .port | quote }}
            - name: RABBITMQ_PASSWORD
              valueFrom:
                secretKeyRef: {name: {{ include "jobcast.secretName" $root }}, key: rabbitmq-password}
            - name: QUARKUS_REDIS_PASSWORD
              valueFrom:
                # Absent for an external Redis without a password.
                secretKeyRef: {name: {{ include "jobcast.secretName" $root }}, key: redis-password, optional: true}
            {{- with .env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- with $root.Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          # Quarkus' SmallRye Health: started once, alive while the JVM works, ready while the
          # brokers (and for the gateway, the services behind it) answer.
          startupProbe:
            httpGet: {path: /q/health/started, port: http}
            periodSeconds: 2
            failureThreshold: 60
          livenessProbe:
            httpGet: {path: /q/health/live, port: http}
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet: {path: /q/health/ready, port: http}
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 2
          resources: {{- toYaml .settings.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        # The JVM and Vert.x write to /tmp only; the rest of the file system is read-only.
        - name: tmp
          emptyDir: {}
{{- end -}}

{{/* The ClusterIP Service in front of a Jobcast service. Argument: dict with root, component, port. */}}
{{- define "jobcast.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "jobcast.name" (list .root .component) }}
  labels: {{- include "jobcast.labels" (list .root .component) | nindent 4 }}
spec:
  selector: {{- include "jobcast.selectorLabels" (list .root .component) | nindent 4 }}
  ports:
    - name: http
      port: {{ .port }}
      targetPort: http
{{- end -}}

{{/* A CPU-based HorizontalPodAutoscaler. Argument: dict with root, component, autoscaling. */}}
{{- define "jobcast.hpa" -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "jobcast.name" (list .root .component) }}
  labels: {{- include "jobcast.labels" (list .root .component) | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "jobcast.name" (list .root .component) }}
  minReplicas: {{ .autoscaling.minReplicas }}
  maxReplicas: {{ .autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: {{ .autoscaling.targetCPUUtilizationPercentage }}}
{{- end -}}
