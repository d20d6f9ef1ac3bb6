{{/*
Service keys of values.services and the names the services go by (resource names, labels, cert CNs).
*/}}
{{- define "ivr.serviceNames" -}}
orderLink: order-link
callControl: call-control
dtmfVault: dtmf-vault
authorization: authorization
notification: notification
{{- end }}

{{/* The name of a service from its values key. */}}
{{- define "ivr.name" -}}
{{- index (include "ivr.serviceNames" . | fromYaml) . -}}
{{- end }}

{{/* The namespace of a service: the vault has its own; the chart refuses to put it with the others. */}}
{{- define "ivr.namespace" -}}
{{- $root := index . 0 -}}{{- $key := index . 1 -}}
{{- if eq $key "dtmfVault" -}}
{{- if eq $root.Values.namespaces.vault $root.Release.Namespace -}}
{{- fail "namespaces.vault must differ from the release namespace: the vault is its own segment" -}}
{{- end -}}
{{- $root.Values.namespaces.vault -}}
{{- else -}}
{{- $root.Release.Namespace -}}
{{- end -}}
{{- end }}

{{/* Labels of every object. Arguments: (list $root "service-name" "component"). */}}
{{- define "ivr.labels" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}
app.kubernetes.io/name: {{ $name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/part-of: ivr-payments
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ index . 2 }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
helm.sh/chart: {{ $root.Chart.Name }}-{{ $root.Chart.Version }}
{{- end }}

{{/* Labels the NetworkPolicies and Services select a service's pods by. */}}
{{- define "ivr.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ index . 1 }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{/* The image reference of a service: digest when pinned, tag otherwise. */}}
{{- define "ivr.image" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}
{{- $digest := index $root.Values.images.digests $name | default "" -}}
{{- if $digest -}}
{{ $root.Values.images.registry }}/{{ $name }}@{{ $digest }}
{{- else -}}
{{ $root.Values.images.registry }}/{{ $name }}:{{ $root.Values.images.tag }}
{{- end -}}
{{- end }}

{{/* Pod-level security of every pod: non-root, seccomp RuntimeDefault. */}}
{{- define "ivr.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
# Group of mounted Secret files, so the non-root user can read them at mode 0440.
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container-level security of every container: read-only root, no privilege, no capability. */}}
{{- define "ivr.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* A NetworkPolicy peer for pods in another namespace. Arguments: (list "namespace" $podLabels). */}}
{{- define "ivr.peerInNamespace" -}}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ index . 0 }}
  {{- with index . 1 }}
  podSelector:
    matchLabels:
      {{- toYaml . | nindent 6 }}
  {{- else }}
  podSelector: {}
  {{- end }}
{{- end }}

{{/* Egress to the cluster DNS, which every pod needs. */}}
{{- define "ivr.egressDns" -}}
- to:
    {{- include "ivr.peerInNamespace" (list .Values.network.dns.namespace .Values.network.dns.podLabels) | nindent 4 }}
  ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
{{- end }}

{{/* Egress to Kafka and PostgreSQL, for the stateful services and their migration Jobs. */}}
{{- define "ivr.egressKafka" -}}
- to:
    {{- include "ivr.peerInNamespace" (list .Values.kafka.namespace .Values.kafka.podLabels) | nindent 4 }}
  ports:
    - {protocol: TCP, port: {{ .Values.kafka.port }}}
{{- end }}
{{- define "ivr.egressPostgres" -}}
- to:
    {{- include "ivr.peerInNamespace" (list .Values.postgres.namespace .Values.postgres.podLabels) | nindent 4 }}
  ports:
    - {protocol: TCP, port: {{ .Values.postgres.port }}}
{{- end }}
{{- define "ivr.egressOtlp" -}}
{{- if .Values.network.otlp.namespace }}
- to:
    {{- include "ivr.peerInNamespace" (list .Values.network.otlp.namespace .Values.network.otlp.podLabels) | nindent 4 }}
  ports:
    - {protocol: TCP, port: {{ .Values.network.otlp.port }}}
{{- end }}
{{- end }}

{{/* Ingress from Prometheus to a service's admin port. Arguments: (list $root adminPort). */}}
{{- define "ivr.ingressMonitoring" -}}
{{- $root := index . 0 -}}
- from:
    {{- include "ivr.peerInNamespace" (list $root.Values.network.monitoringNamespace dict) | nindent 4 }}
  ports:
    - {protocol: TCP, port: {{ index . 1 }}}
{{- end }}

{{/* Ingress from the helm test pod to a service's admin port. Arguments: (list $root adminPort). */}}
{{- define "ivr.ingressTest" -}}
{{- $root := index . 0 -}}
{{- if $root.Values.tests.enabled }}
- from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ $root.Release.Namespace }}
      podSelector:
        matchLabels:
          app.kubernetes.io/instance: {{ $root.Release.Name }}
          app.kubernetes.io/component: chart-test
  ports:
    - {protocol: TCP, port: {{ index . 1 }}}
{{- end }}
{{- end }}

{{/* A peer for one of this chart's services. Arguments: (list $root "serviceKey"). */}}
{{- define "ivr.peerService" -}}
{{- $root := index . 0 -}}{{- $key := index . 1 -}}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ include "ivr.namespace" (list $root $key) }}
  podSelector:
    matchLabels:
      {{- include "ivr.selectorLabels" (list $root (include "ivr.name" $key)) | nindent 6 }}
{{- end }}
