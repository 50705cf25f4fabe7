package io.emqxclientmonitor.kamelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.camel.util.SensitiveUtils;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kamelet file follows the apache/camel-kamelets conventions and is consistent with the code it calls. */
class KameletDefinitionTest {
    private static final Path FILE = Path.of("kamelets/emqx-clients-source.kamelet.yaml");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\??([A-Za-z0-9_.-]+)(?::[^}]*)?}}");

    private final String text = read(FILE);
    private final JsonNode kamelet = parse(text);
    private final JsonNode definition = kamelet.at("/spec/definition");
    private final JsonNode properties = definition.path("properties");

    @Test
    void isASourceKameletNamedLikeItsFile() {
        assertEquals("camel.apache.org/v1", kamelet.path("apiVersion").asText());
        assertEquals("Kamelet", kamelet.path("kind").asText());
        String name = kamelet.at("/metadata/name").asText();
        assertEquals(FILE.getFileName().toString(), name + ".kamelet.yaml");
        assertTrue(name.endsWith("-source"));
        assertEquals("source", kamelet.at("/metadata/labels/camel.apache.org~1kamelet.type").asText());
        assertFalse(kamelet.at("/metadata/annotations/camel.apache.org~1provider").asText().isBlank());
        assertEquals("Preview", kamelet.at("/metadata/annotations/camel.apache.org~1kamelet.support.level").asText());
        assertEquals(projectVersion(), kamelet.at("/metadata/annotations/camel.apache.org~1catalog.version").asText());
        assertEquals("application/json", kamelet.at("/spec/dataTypes/out/types/json/mediaType").asText(),
                "dataTypes, not the deprecated types");
        assertTrue(kamelet.at("/spec/types").isMissingNode(), "no deprecated spec.types");
        assertTrue(kamelet.at("/metadata/annotations/camel.apache.org~1kamelet.icon").asText().startsWith("data:image/svg+xml;base64,"),
                "an icon, as catalog Kamelets carry");
        assertTrue(text.contains("- to: \"kamelet:sink\""), "a source ends in kamelet:sink");
    }

    @Test
    void everyPropertyIsDocumentedAndTheRequiredOnesExist() {
        assertFalse(definition.path("title").asText().isBlank());
        assertFalse(definition.path("description").asText().isBlank());
        assertEquals(Set.of("apiUrl", "apiKey", "secretKey", "clientIds"), names(definition.path("required")));
        for (String required : names(definition.path("required"))) {
            assertTrue(properties.has(required), "required property " + required + " is defined");
            assertFalse(properties.path(required).has("default"), required + " is required, so it has no default");
        }
        properties.fields().forEachRemaining(property -> {
            JsonNode p = property.getValue();
            String name = property.getKey();
            for (String field : List.of("title", "description", "type")) {
                assertFalse(p.path(field).asText().isBlank(), name + " has a " + field);
            }
            assertTrue(Set.of("string", "integer", "boolean").contains(p.path("type").asText()), name + ": " + p.path("type"));
            assertTrue(p.has("example"), name + " has an example");
            if (p.has("default")) {
                assertEquals(p.path("type").asText(), jsonType(p.path("default")), name + "'s default matches its type");
            }
        });
    }

    @Test
    void credentialsAreMarkedAndMaskedByCamel() {
        for (String credential : List.of("apiKey", "secretKey")) {
            assertTrue(names(properties.path(credential).path("x-descriptors")).contains("urn:camel:group:credentials"), credential);
            // camel-main's startup summary masks a parameter only if its name is on Camel's sensitive list
            assertTrue(SensitiveUtils.containsSensitive(credential), credential + " is masked in Camel's logs");
        }
        assertEquals("password", properties.path("secretKey").path("format").asText());
        properties.fields().forEachRemaining(p -> {
            if ("password".equals(p.getValue().path("format").asText())) {
                assertTrue(SensitiveUtils.containsSensitive(p.getKey()), p.getKey() + " is masked in Camel's logs");
            }
        });
    }

    @Test
    void dependenciesNameTheComponentsAndThisProjectsJar() {
        Set<String> dependencies = names(kamelet.at("/spec/dependencies"));
        assertTrue(dependencies.containsAll(Set.of("camel:timer", "camel:http", "camel:jackson", "camel:kamelet",
                "mvn:io.emqxclientmonitor:emqx-client-monitor:" + projectVersion())), dependencies.toString());
    }

    @Test
    void theTemplateUsesOnlyDefinedParametersAndItsBeanTakesThemAll() throws Exception {
        JsonNode bean = kamelet.at("/spec/template/beans/0");
        String beanName = bean.path("name").asText();
        Class<?> type = Class.forName(bean.path("type").asText().replace("#class:", ""));
        assertEquals(EmqxClientsSource.class, type);
        Set<String> setters = new HashSet<>();
        Arrays.stream(type.getMethods()).map(Method::getName).filter(m -> m.startsWith("set"))
                .forEach(m -> setters.add(Character.toLowerCase(m.charAt(3)) + m.substring(4)));
        bean.path("properties").fieldNames().forEachRemaining(p -> assertTrue(setters.contains(p), "setter for " + p));
        assertTrue(Arrays.stream(type.getMethods()).anyMatch(m -> m.getName().equals(bean.path("initMethod").asText())));

        List<String> used = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text.substring(text.indexOf("  template:")));
        while (m.find()) {
            used.add(m.group(1));
        }
        for (String name : used) {
            assertTrue(properties.has(name) || name.equals(beanName) || name.equals("routeId"), "{{" + name + "}} is a parameter");
        }
        properties.fieldNames().forEachRemaining(p -> assertTrue(used.contains(p), p + " is used by the template"));
    }

    @Test
    void theTemplateBeanHasANameNoParameterValueCanEqualAndNoToDEvaluatesABean() {
        String beanName = kamelet.at("/spec/template/beans/0/name").asText();
        assertFalse(properties.has(beanName), "the bean's name is not a parameter's");
        properties.fields().forEachRemaining(p -> assertFalse(beanName.equals(p.getValue().path("default").asText()),
                p.getKey() + "'s default equals the bean's name, which breaks {{" + beanName + "}}"));
        // Camel JBang resolves toD: ${bean:...} as a component named "${bean" (the exporter's setVariable pattern works)
        assertFalse(text.contains("${bean:"), "no ${bean:...} anywhere in the template");
    }

    private static String jsonType(JsonNode value) {
        if (value.isBoolean()) {
            return "boolean";
        }
        return value.isIntegralNumber() ? "integer" : "string";
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new HashSet<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static String projectVersion() {
        Matcher m = Pattern.compile("<artifactId>emqx-client-monitor</artifactId>\\s*<version>([^<]+)</version>").matcher(read(Path.of("pom.xml")));
        assertTrue(m.find(), "the project's version in pom.xml");
        return m.group(1);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String yaml) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
