package io.emqxclientmonitor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/camel-k/integration.yaml against Camel K 2.x's own Integration CRD schema (a fixture, see
 * src/test/resources/deploy/camel-k-crd/README.md). The API server prunes fields a structural schema does not
 * know, without an error, so a misspelt trait would be silently ignored: unknown fields count as errors here,
 * as do wrong types and values outside an enum.
 */
class CamelKCrdTest {
    private static final Path CRD = Path.of("src/test/resources/deploy/camel-k-crd/camel.apache.org_integrations.yaml");
    private final JsonNode integration = DeployKit.parseYaml(DeployKit.read(Path.of("deploy/camel-k/integration.yaml")));

    @Test
    void theIntegrationIsValidAgainstCamelKsCrd() {
        JsonNode crd = DeployKit.parseYaml(DeployKit.read(CRD));
        JsonNode version = null;
        for (JsonNode v : crd.at("/spec/versions")) {
            if (v.path("name").asText().equals(integration.path("apiVersion").asText().replace("camel.apache.org/", ""))) {
                version = v;
            }
        }
        assertTrue(version != null, "the CRD serves " + integration.path("apiVersion"));
        List<String> problems = new ArrayList<>();
        check(version.at("/schema/openAPIV3Schema"), integration, "", problems);
        assertEquals(List.of(), problems);
    }

    @Test
    void theProbesUseTheExportersPortNotCamelKsDefault() {
        JsonNode health = integration.at("/spec/traits/health");
        int port = integration.at("/spec/traits/container/port").asInt();
        for (String probe : List.of("livenessPort", "readinessPort", "startupPort")) {
            assertEquals(port, health.path(probe).asInt(), "health." + probe + " (Camel K main defaults it to 8080)");
        }
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean() && !schema.has("properties")) {
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!(value.isInt() || value.isTextual())) {
                problems.add(path + ": int or string expected");
            }
            return;
        }
        String type = schema.path("type").asText();
        boolean ok = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!ok) {
            problems.add(path + ": " + type + " expected, got " + value.getNodeType());
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                problems.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.get("items"), value.get(i), path + "[" + i + "]", problems);
            }
        }
        if (value.isObject()) {
            JsonNode properties = schema.path("properties");
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    problems.add(path + ": " + required.asText() + " is required");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String at = path + "/" + field.getKey();
                if (properties.has(field.getKey())) {
                    check(properties.get(field.getKey()), field.getValue(), at, problems);
                } else if (schema.has("additionalProperties") && schema.get("additionalProperties").isObject()) {
                    check(schema.get("additionalProperties"), field.getValue(), at, problems);
                } else if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean() && !path.equals("/metadata")) {
                    problems.add(at + ": not a field of the CRD (the API server would drop it)");
                }
            }
        }
    }
}
