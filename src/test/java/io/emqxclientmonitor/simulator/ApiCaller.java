package io.emqxclientmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Calls a running simulator over real HTTP, the way the exporter would. */
final class ApiCaller {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final EmqxSimulator simulator;

    ApiCaller(EmqxSimulator simulator) {
        this.simulator = simulator;
    }

    /** GET {apiUrl}/v5/clients{query} with the simulator's own credentials. */
    HttpResponse<String> clients(String query) {
        return send(request(query).header("Authorization", basic(simulator.options().apiKey(),
                simulator.options().apiSecret())));
    }

    /** GET with no Authorization header at all. */
    HttpResponse<String> clientsWithoutAuth(String query) {
        return send(request(query));
    }

    HttpResponse<String> clientsWithAuthorization(String query, String authorizationHeader) {
        return send(request(query).header("Authorization", authorizationHeader));
    }

    HttpResponse<String> clientsWithTimeout(String query, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = request(query)
                .header("Authorization", basic(simulator.options().apiKey(), simulator.options().apiSecret()))
                .timeout(timeout)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> raw(String method, String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simulator.port() + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", basic(simulator.options().apiKey(), simulator.options().apiSecret()))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Raw bytes, for checking exactly what was sent. */
    HttpResponse<byte[]> clientsBytes(String query) throws IOException, InterruptedException {
        HttpRequest request = request(query)
                .header("Authorization", basic(simulator.options().apiKey(), simulator.options().apiSecret()))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> clientIds(HttpResponse<String> response) {
        List<String> ids = new ArrayList<>();
        json(response).get("data").forEach(row -> ids.add(row.get("clientid").asText()));
        return ids;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder request(String query) {
        return HttpRequest.newBuilder(URI.create(simulator.apiUrl() + "/v5/clients" + query)).GET();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
