package io.jobcast.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart: linted strictly, rendered for the default values, for external brokers with
 * fixed replica counts, with KEDA and with monitoring, and every rendered manifest validated
 * against the Kubernetes API schemas (the Prometheus Operator's too).
 */
class ChartTest {

    static final Path CHART = Path.of("helm/jobcast");
    static final Path EXTERNAL_VALUES = CHART.resolve("ci/external-brokers-values.yaml");
    static final Path RULES = CHART.resolve("files/prometheus-rules.yaml");
    static final Path DASHBOARD = CHART.resolve("files/grafana-dashboard.json");
    static final Path RENDERED = Path.of("target/rendered");
    static final List<String> SERVICES = List.of("api-gateway", "job-service", "worker-service", "progress-service");
    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    static Manifests defaults;
    static Manifests external;
    static Manifests keda;
    static Manifests minimal;
    static Manifests monitoring;

    @BeforeAll
    static void render() throws IOException {
        Files.createDirectories(RENDERED);
        defaults = render("defaults", template -> template);
        external = render("external-brokers", template -> template.withValuesFile(EXTERNAL_VALUES));
        keda = render("keda", template -> template.set("worker.keda.enabled", "true"));
        minimal = render("minimal", template -> template.set("ingress.enabled", "false").set("networkPolicy.enabled", "false")
                .set("podDisruptionBudget.enabled", "false").set("rabbitmq.persistence.enabled", "false")
                .set("redis.persistence.enabled", "false").set("worker.autoscaling.enabled", "false")
                .set("progress.autoscaling.enabled", "false").set("monitoring.podAnnotations", "false"));
        monitoring = render("monitoring", template -> template.set("monitoring.serviceMonitor.enabled", "true")
                .set("monitoring.serviceMonitor.labels.release", "kube-prometheus-stack")
                .set("monitoring.prometheusRule.enabled", "true").set("monitoring.prometheusRule.labels.release", "kube-prometheus-stack")
                .set("monitoring.grafanaDashboard.enabled", "true"));
    }

    @Test
    void lintsCleanInStrictMode() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
    }

    @Test
    void everyRenderedManifestMatchesTheKubernetesApiSchemas() throws Exception {
        Validation validation = validate(RENDERED.resolve("defaults.yaml"), RENDERED.resolve("external-brokers.yaml"),
                RENDERED.resolve("keda.yaml"), RENDERED.resolve("minimal.yaml"), RENDERED.resolve("monitoring.yaml"));

        assertThat(validation.exitCode()).as(validation.output()).isZero();
        assertThat(validation.output()).contains("ServiceMonitor/r-jobcast (monitoring.coreos.com/v1)")
                .contains("PrometheusRule/r-jobcast (monitoring.coreos.com/v1)");
        int documents = defaults.all().size() + external.all().size() + keda.all().size() + minimal.all().size()
                + monitoring.all().size();
        assertThat(validation.output()).contains(documents + " documents, 0 invalid");
    }

    @Test
    void theSchemaValidatorRejectsABrokenManifest() throws Exception {
        Path broken = RENDERED.resolve("broken.yaml");
        Files.writeString(broken, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: broken}
                spec:
                  replicas: "three"
                  template: {spec: {containers: [{image: x}]}}
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: PrometheusRule
                metadata: {name: late}
                spec: {groups: [{name: g, rules: [{alert: A, expr: up, for: ten minutes}]}]}
                ---
                apiVersion: example.com/v1
                kind: Unknown
                metadata: {name: unknown}
                """);

        Validation validation = validate(broken);

        assertThat(validation.exitCode()).isEqualTo(1);
        assertThat(validation.output())
                .contains("spec/replicas must be integer")
                .contains("must have required property selector")
                .contains("must have required property name")
                .contains("rules/0/for must match pattern")
                .contains("Unknown/unknown (example.com/v1): no schema")
                .contains("3 documents, 3 invalid");
    }

    @Test
    void defaultsRunEveryServiceWithBundledBrokers() {
        assertThat(defaults.names("Deployment")).containsExactlyInAnyOrderElementsOf(SERVICES.stream().map(s -> "r-jobcast-" + s).toList());
        assertThat(defaults.names("StatefulSet")).containsExactlyInAnyOrder("r-jobcast-rabbitmq", "r-jobcast-redis");
        assertThat(defaults.names("Service")).hasSize(6);
        assertThat(defaults.names("HorizontalPodAutoscaler")).containsExactlyInAnyOrder("r-jobcast-worker-service", "r-jobcast-progress-service");
        assertThat(defaults.names("PodDisruptionBudget")).hasSize(4);

        JsonNode config = defaults.one("ConfigMap", "r-jobcast").path("data");
        assertThat(config.path("QUARKUS_REDIS_HOSTS").asText()).isEqualTo("redis://r-jobcast-redis:6379");
        assertThat(config.path("RABBITMQ_HOST").asText()).isEqualTo("r-jobcast-rabbitmq");
        assertThat(config.path("JOBCAST_GATEWAY_JOB_SERVICE_URL").asText()).isEqualTo("http://r-jobcast-job-service:8081");
        assertThat(config.path("JOBCAST_GATEWAY_PROGRESS_SERVICE_URL").asText()).isEqualTo("http://r-jobcast-progress-service:8082");
        assertThat(config.path("JOBCAST_TRACING_SAMPLE_RATIO").asText()).as("no spans exported by default").isEqualTo("0");
        assertThat(config.has("JOBCAST_TRACING_OTLP_ENDPOINT")).isFalse();

        JsonNode secret = defaults.one("Secret", "r-jobcast").path("stringData");
        assertThat(secret.path("api-key").asText()).hasSize(32);
        assertThat(secret.path("rabbitmq-password").asText()).hasSize(32);
        assertThat(secret.path("redis-password").asText()).hasSize(32);
    }

    @Test
    void everyServiceRunsAsNonRootWithHealthProbesAndLimits() {
        for (String service : SERVICES) {
            JsonNode pod = defaults.one("Deployment", "r-jobcast-" + service).at("/spec/template/spec");
            JsonNode container = pod.path("containers").get(0);
            assertThat(container.path("image").asText()).as(service).isEqualTo("jobcast/" + service + ":0.1.0-SNAPSHOT");
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(service).isTrue();
            assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).as(service).isTrue();
            assertThat(container.at("/startupProbe/httpGet/path").asText()).as(service).isEqualTo("/q/health/started");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).as(service).isEqualTo("/q/health/live");
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).as(service).isEqualTo("/q/health/ready");
            assertThat(container.at("/resources/limits/memory").asText()).as(service).isNotEmpty();
            assertThat(container.at("/resources/requests/cpu").asText()).as(service).isNotEmpty();
        }
        JsonNode gatewayEnv = defaults.one("Deployment", "r-jobcast-api-gateway").at("/spec/template/spec/containers/0/env");
        assertThat(gatewayEnv.findValues("name")).extracting(JsonNode::asText).contains("JOBCAST_GATEWAY_DEV_API_KEY");
    }

    @Test
    void theIngressStreamsUnbufferedWithLongTimeoutsAndKeepsQuarkusEndpointsPrivate() {
        for (Manifests manifests : List.of(defaults, external)) {
            JsonNode ingress = manifests.only("Ingress");
            JsonNode annotations = ingress.at("/metadata/annotations");
            assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-buffering").asText()).isEqualTo("off");
            assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-request-buffering").asText()).isEqualTo("off");
            assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asInt()).isGreaterThanOrEqualTo(3600);
            assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-send-timeout").asInt()).isGreaterThanOrEqualTo(3600);

            List<JsonNode> paths = ingress.at("/spec/rules/0/http/paths").findParents("path");
            assertThat(paths).extracting(path -> path.path("path").asText()).contains("/", "/api", "/assets");
            assertThat(paths).allSatisfy(path -> {
                assertThat(path.at("/backend/service/name").asText()).isEqualTo("r-jobcast-api-gateway");
                assertThat(path.path("path").asText()).doesNotStartWith("/q/health").doesNotStartWith("/q/metrics").isNotEqualTo("/q");
            });
        }
        assertThat(external.only("Ingress").at("/spec/tls/0/secretName").asText()).isEqualTo("jobcast-tls");
    }

    @Test
    void onlyTheGatewayAndForJobServiceTheWorkersReachTheServicesThatTrustTheTenantHeader() {
        for (String service : List.of("job-service", "progress-service")) {
            JsonNode policy = defaults.one("NetworkPolicy", "r-jobcast-" + service);
            assertThat(policy.at("/spec/podSelector/matchLabels/app.kubernetes.io~1component").asText()).isEqualTo(service);
            JsonNode from = policy.at("/spec/ingress/0/from");
            List<String> components = new java.util.ArrayList<>();
            from.forEach(peer -> {
                assertThat(peer.at("/podSelector/matchLabels/app.kubernetes.io~1instance").asText()).isEqualTo("r");
                components.add(peer.at("/podSelector/matchLabels/app.kubernetes.io~1component").asText());
            });
            // Workers spawn jobs into their flows through job-service's API (ctx.spawn).
            assertThat(components).containsExactlyElementsOf(service.equals("job-service")
                    ? List.of("api-gateway", "worker-service") : List.of("api-gateway"));
        }
        assertThat(defaults.names("NetworkPolicy")).doesNotContain("r-jobcast-api-gateway");
    }

    @Test
    void externalBrokersWithThreeWorkersAndTwoProgressReplicas() {
        assertThat(external.names("StatefulSet")).isEmpty();
        assertThat(external.names("Secret")).as("the credentials come from existingSecret").isEmpty();
        assertThat(external.names("HorizontalPodAutoscaler")).isEmpty();
        assertThat(external.one("Deployment", "r-jobcast-worker-service").at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(external.one("Deployment", "r-jobcast-progress-service").at("/spec/replicas").asInt()).isEqualTo(2);

        JsonNode config = external.one("ConfigMap", "r-jobcast").path("data");
        assertThat(config.path("RABBITMQ_HOST").asText()).isEqualTo("rabbitmq.example.com");
        assertThat(config.path("RABBITMQ_PORT").asText()).isEqualTo("5671");
        assertThat(config.path("RABBITMQ_SSL").asText()).isEqualTo("true");
        assertThat(config.path("RABBITMQ_VIRTUAL_HOST").asText()).isEqualTo("jobcast");
        assertThat(config.path("QUARKUS_REDIS_CLIENT_TYPE").asText()).isEqualTo("sentinel");
        assertThat(config.path("QUARKUS_REDIS_MASTER_NAME").asText()).isEqualTo("jobcast");
        assertThat(config.path("QUARKUS_REDIS_HOSTS").asText().split(",")).hasSize(3);
        assertThat(config.path("JOBCAST_TRACING_SAMPLE_RATIO").asText()).isEqualTo("0.1");
        assertThat(config.path("JOBCAST_TRACING_OTLP_ENDPOINT").asText()).isEqualTo("http://otel-collector.monitoring:4318");
        assertThat(config.path("JOBCAST_TRACING_OTLP_PROTOCOL").asText()).isEqualTo("http/protobuf");

        JsonNode worker = external.one("Deployment", "r-jobcast-worker-service").at("/spec/template/spec/containers/0");
        assertThat(worker.path("image").asText()).isEqualTo("registry.example.com/jobcast/worker-service:0.1.0");
        assertThat(worker.path("env").findValues("secretKeyRef")).isNotEmpty()
                .allSatisfy(ref -> assertThat(ref.path("name").asText()).isEqualTo("jobcast-credentials"));
    }

    @Test
    void kedaScalesWorkersOnEveryJobQueueInsteadOfTheHpa() {
        JsonNode scaledObject = keda.one("ScaledObject", "r-jobcast-worker-service");
        assertThat(scaledObject.at("/spec/scaleTargetRef/name").asText()).isEqualTo("r-jobcast-worker-service");
        assertThat(scaledObject.at("/spec/triggers").findValues("queueName")).extracting(JsonNode::asText)
                .containsExactly("jobcast.jobs.demo.sleep", "jobcast.jobs.demo.cpu", "jobcast.jobs.demo.fail", "jobcast.jobs.text.wordcount");
        assertThat(scaledObject.at("/spec/triggers").findValues("type")).extracting(JsonNode::asText).containsOnly("rabbitmq");

        assertThat(keda.names("HorizontalPodAutoscaler")).containsExactly("r-jobcast-progress-service");
        assertThat(keda.one("Deployment", "r-jobcast-worker-service").has("spec")).isTrue();
        assertThat(keda.one("Deployment", "r-jobcast-worker-service").at("/spec/replicas").isMissingNode())
                .as("KEDA owns the worker count").isTrue();
        assertThat(keda.one("TriggerAuthentication", "r-jobcast-worker-service").at("/spec/secretTargetRef/0/key").asText())
                .isEqualTo("rabbitmq-amqp-url");
        assertThat(keda.one("Secret", "r-jobcast").at("/stringData/rabbitmq-amqp-url").asText())
                .matches("amqp://jobcast:[A-Za-z0-9]{32}@r-jobcast-rabbitmq:5672/%2F");
        assertThat(keda.one("NetworkPolicy", "r-jobcast-rabbitmq").at("/spec/ingress/0/from/1/namespaceSelector/matchLabels")
                .path("kubernetes.io/metadata.name").asText()).isEqualTo("keda");
    }

    @Test
    void everyOptionalPartCanBeLeftOut() {
        assertThat(minimal.names("Ingress")).isEmpty();
        assertThat(minimal.names("NetworkPolicy")).isEmpty();
        assertThat(minimal.names("PodDisruptionBudget")).isEmpty();
        assertThat(minimal.names("HorizontalPodAutoscaler")).isEmpty();
        assertThat(minimal.one("Deployment", "r-jobcast-worker-service").at("/spec/replicas").asInt()).isEqualTo(2);
        for (String broker : List.of("rabbitmq", "redis")) {
            JsonNode statefulSet = minimal.one("StatefulSet", "r-jobcast-" + broker);
            assertThat(statefulSet.at("/spec/volumeClaimTemplates").isMissingNode()).as(broker).isTrue();
            assertThat(statefulSet.at("/spec/template/spec/volumes/0/emptyDir").isObject()).as(broker).isTrue();
            assertThat(defaults.one("StatefulSet", "r-jobcast-" + broker).at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage")
                    .asText()).as(broker).isEqualTo("8Gi");
        }
    }

    @Test
    void wrongValuesAreRefusedWithAMessage() {
        assertThatThrownBy(() -> template().set("worker.replicas", "-1").call())
                .hasMessageContaining("at '/worker/replicas': minimum: got -1");
        assertThatThrownBy(() -> template().set("gateway.replica", "2").call())
                .hasMessageContaining("at '/gateway'").hasMessageContaining("'replica'");
        assertThatThrownBy(() -> template().set("redis.clientType", "cluser").call())
                .hasMessageContaining("at '/redis/clientType'");
        assertThatThrownBy(() -> template().set("monitoring.serviceMonitor.interval", "15 seconds").call())
                .hasMessageContaining("at '/monitoring/serviceMonitor/interval'");
        assertThatThrownBy(() -> template().set("rabbitmq.bundled", "false").call())
                .hasMessageContaining("rabbitmq.host (or rabbitmq.addresses) is required");
        assertThatThrownBy(() -> template().set("rabbitmq.bundled", "false").set("rabbitmq.host", "mq").call())
                .hasMessageContaining("rabbitmq.password (or existingSecret) is required");
    }

    @Test
    void monitoringNeedsNoPrometheusOperatorByDefault() {
        assertThat(defaults.names("ServiceMonitor")).isEmpty();
        assertThat(defaults.names("PrometheusRule")).isEmpty();
        assertThat(defaults.names("ConfigMap")).containsExactly("r-jobcast");
        for (String service : SERVICES) {
            JsonNode pod = defaults.one("Deployment", "r-jobcast-" + service).at("/spec/template");
            JsonNode annotations = pod.at("/metadata/annotations");
            assertThat(annotations.path("prometheus.io/scrape").asText()).as(service).isEqualTo("true");
            assertThat(annotations.path("prometheus.io/path").asText()).as(service).isEqualTo("/q/metrics");
            assertThat(annotations.path("prometheus.io/port").asText()).as(service)
                    .isEqualTo(pod.at("/spec/containers/0/ports/0/containerPort").asText());
            assertThat(minimal.one("Deployment", "r-jobcast-" + service).at("/spec/template/metadata/annotations")
                    .has("prometheus.io/scrape")).as(service).isFalse();
        }
    }

    @Test
    void theServiceMonitorScrapesQuarkusMetricsOfExactlyTheFourServices() {
        JsonNode serviceMonitor = monitoring.only("ServiceMonitor");
        JsonNode spec = serviceMonitor.path("spec");
        List<JsonNode> selected = monitoring.all().stream().filter(d -> "Service".equals(d.path("kind").asText()))
                .filter(service -> selects(spec.path("selector"), service.at("/metadata/labels"))).toList();

        assertThat(selected).extracting(service -> service.at("/metadata/name").asText())
                .containsExactlyInAnyOrderElementsOf(SERVICES.stream().map(s -> "r-jobcast-" + s).toList());
        assertThat(selected).allSatisfy(service -> assertThat(service.at("/spec/ports").findValuesAsText("name")).contains("http"));
        assertThat(spec.path("jobLabel").asText()).isEqualTo("app.kubernetes.io/component");
        assertThat(spec.path("endpoints")).hasSize(1);
        assertThat(spec.at("/endpoints/0/port").asText()).isEqualTo("http");
        assertThat(spec.at("/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        assertThat(spec.at("/endpoints/0/interval").asText()).isEqualTo("15s");
        assertThat(serviceMonitor.at("/metadata/labels/release").asText()).as("what Prometheus selects").isEqualTo("kube-prometheus-stack");
    }

    @Test
    void thePrometheusRuleIsTheRulesFileUnchanged() throws IOException {
        JsonNode rule = monitoring.only("PrometheusRule");
        assertThat(rule.path("spec")).isEqualTo(YAML.readTree(RULES.toFile()));
        assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
    }

    @Test
    void everyAlertHasAnExpressionADurationASeverityASummaryAndADescription() throws IOException {
        JsonNode groups = YAML.readTree(RULES.toFile()).path("groups");
        assertThat(groups).hasSize(1);
        assertThat(groups.at("/0/name").asText()).isEqualTo("jobcast");
        List<JsonNode> rules = new ArrayList<>();
        groups.at("/0/rules").forEach(rules::add);

        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            String alert = rule.path("alert").asText();
            assertThat(alert).startsWith("Jobcast");
            assertThat(rule.path("expr").asText()).as(alert).isNotBlank();
            assertThat(rule.path("for").asText()).as(alert).matches("[0-9]+[smh]");
            assertThat(rule.at("/labels/severity").asText()).as(alert).isIn("warning", "critical");
            assertThat(rule.at("/annotations/summary").asText()).as(alert).isNotBlank();
            assertThat(rule.at("/annotations/description").asText()).as(alert).isNotBlank();
        });
        assertThat(rules).extracting(rule -> rule.path("alert").asText()).doesNotHaveDuplicates();
    }

    @Test
    void theDashboardConfigMapHoldsTheDashboardFileForGrafanasSidecar() throws IOException {
        JsonNode configMap = monitoring.one("ConfigMap", "r-jobcast-grafana-dashboard");
        assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        String json = configMap.at("/data/jobcast.json").asText();
        assertThat(json).isEqualTo(Files.readString(DASHBOARD));

        JsonNode dashboard = JSON.readTree(json);
        assertThat(dashboard.path("uid").asText()).isEqualTo("jobcast");
        assertThat(dashboard.at("/templating/list").findValuesAsText("name")).contains("datasource", "type");
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panels::add);
        assertThat(panels).extracting(panel -> panel.path("id").asInt()).doesNotHaveDuplicates();
        // Rows only group the panels below them; every other panel shows at least one query.
        assertThat(panels.stream().filter(panel -> !"row".equals(panel.path("type").asText()))).isNotEmpty().allSatisfy(panel -> {
            String title = panel.path("title").asText();
            assertThat(panel.path("targets").findValuesAsText("expr")).as(title).anyMatch(expr -> !expr.isBlank());
            assertThat(panel.findValuesAsText("uid")).as("%s queries the chosen data source", title).containsOnly("${datasource}");
        });
    }

    // ------------------------------------------------------------------------------------------

    static TemplateCommand template() {
        return new Helm(CHART).template().withName("r").withNamespace("jobcast");
    }

    /** Renders the chart, keeps the YAML under target/rendered for the schema validator, and parses it. */
    static Manifests render(String scenario, UnaryOperator<TemplateCommand> values) throws IOException {
        String yaml = values.apply(template()).call();
        Files.writeString(RENDERED.resolve(scenario + ".yaml"), yaml);
        List<JsonNode> documents = new ArrayList<>();
        for (JsonNode document : YAML.readValues(YAML.createParser(yaml), JsonNode.class).readAll()) {
            if (document != null && !document.isNull() && !document.isMissingNode() && !document.isEmpty()) {
                documents.add(document);
            }
        }
        return new Manifests(documents);
    }

    static Validation validate(Path... files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", "src/test/js/validate-manifests.mjs"));
        for (Path file : files) {
            command.add(file.toString());
        }
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        return new Validation(node.exitValue(), output);
    }

    /** Whether a label selector (matchLabels, matchExpressions) selects an object with these labels. */
    static boolean selects(JsonNode selector, JsonNode labels) {
        boolean matches = true;
        for (Map.Entry<String, JsonNode> label : selector.path("matchLabels").properties()) {
            matches &= label.getValue().asText().equals(labels.path(label.getKey()).asText(null));
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            JsonNode label = labels.path(expression.path("key").asText());
            Set<String> values = new HashSet<>();
            expression.path("values").forEach(value -> values.add(value.asText()));
            matches &= switch (expression.path("operator").asText()) {
                case "In" -> values.contains(label.asText(null));
                case "NotIn" -> !values.contains(label.asText(null));
                case "Exists" -> !label.isMissingNode();
                case "DoesNotExist" -> label.isMissingNode();
                default -> throw new IllegalArgumentException("operator of " + expression);
            };
        }
        return matches;
    }

    record Validation(int exitCode, String output) {}

    /** The documents of one rendering, looked up by kind and name. */
    record Manifests(List<JsonNode> all) {

        List<String> names(String kind) {
            return all.stream().filter(d -> kind.equals(d.path("kind").asText()))
                    .map(d -> d.at("/metadata/name").asText()).toList();
        }

        JsonNode one(String kind, String name) {
            List<JsonNode> found = all.stream().filter(d -> kind.equals(d.path("kind").asText())
                    && name.equals(d.at("/metadata/name").asText())).toList();
            assertThat(found).as("%s %s among %s", kind, name, Map.of("kinds", all.stream().map(d -> d.path("kind").asText()).toList())).hasSize(1);
            return found.get(0);
        }

        JsonNode only(String kind) {
            List<String> names = names(kind);
            assertThat(names).as(kind).hasSize(1);
            return one(kind, names.get(0));
        }
    }
}
