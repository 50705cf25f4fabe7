package io.emqxclientmonitor.emqx;

import com.fasterxml.jackson.core.JacksonException;
import io.emqxclientmonitor.config.BrokerConfig;
import org.apache.camel.http.base.HttpOperationFailedException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns what went wrong talking to EMQX into a {@link PollFailure}: a reason label and a line that says how to fix it. */
public final class FailureClassifier {
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final Pattern ERROR_MESSAGE = Pattern.compile("\"(?:message|reason)\"\\s*:\\s*\"([^\"]{0,200})\"");

    private FailureClassifier() {
    }

    public static PollFailure classify(Throwable error, BrokerConfig broker) {
        PollFailure failure = null;
        for (Throwable t = error; t != null && failure == null; t = t.getCause()) {
            failure = classifyOne(t, broker);
        }
        if (failure == null) {
            failure = new PollFailure(PollFailure.Reason.CONNECT, "talking to EMQX at " + broker.apiUrl() + " failed: " + describe(error));
        }
        // the message quotes EMQX, a proxy or an exception: it is logged and served by the JSON API
        return new PollFailure(failure.reason(), Redaction.redact(failure.message(), broker));
    }

    public static boolean isRetryable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof HttpOperationFailedException http) {
                return http.getStatusCode() >= 500;
            }
            if (t instanceof JacksonException || t instanceof InvalidResponseException) {
                return false;
            }
        }
        return error instanceof java.io.IOException || error.getCause() instanceof java.io.IOException;
    }

    private static PollFailure classifyOne(Throwable t, BrokerConfig broker) {
        String url = broker.apiUrl().toString();
        if (t instanceof HttpOperationFailedException http) {
            return httpFailure(http, broker);
        }
        if (t instanceof JacksonException json) {
            return new PollFailure(PollFailure.Reason.INVALID_RESPONSE, "EMQX's answer is not valid JSON (" + withoutSource(json)
                    + "): check that " + url + " is EMQX's API and not a proxy or login page");
        }
        if (t instanceof InvalidResponseException) {
            return new PollFailure(PollFailure.Reason.INVALID_RESPONSE, t.getMessage());
        }
        if (t instanceof SocketTimeoutException) {
            return new PollFailure(PollFailure.Reason.TIMEOUT, "EMQX at " + url + " did not answer within "
                    + broker.timeout().toMillis() / 1000.0 + " s: check EMQX's load or raise emqx.timeout-seconds");
        }
        if (t instanceof UnknownHostException) {
            return new PollFailure(PollFailure.Reason.CONNECT, "unknown host '" + broker.apiUrl().getHost() + "': check emqx.url");
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
            return new PollFailure(PollFailure.Reason.CONNECT, "cannot connect to " + url + " (" + firstLine(t)
                    + "): check emqx.url and that EMQX's dashboard/API listener (port 18083 by default) is reachable");
        }
        if (t instanceof SSLException) {
            return tlsFailure(t, broker);
        }
        if (t instanceof java.io.IOException) {
            return new PollFailure(PollFailure.Reason.CONNECT, "the connection to " + url + " broke (" + describe(t) + ")");
        }
        return null;
    }

    /** Untrusted CA, a certificate for another host name, or no TLS at all on the other side. */
    private static PollFailure tlsFailure(Throwable t, BrokerConfig broker) {
        String url = broker.apiUrl().toString();
        String details = chainText(t);
        String what = "TLS with " + url + " failed (" + firstLine(t) + "): ";
        if (details.contains("subject alternative name") || details.contains("doesn't match")
                || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
            return new PollFailure(PollFailure.Reason.CONNECT, what + "EMQX's certificate is not for host '"
                    + broker.apiUrl().getHost() + "': put a host name the certificate names into emqx.url");
        }
        if (details.contains("PKIX") || details.contains("certification path")) {
            return new PollFailure(PollFailure.Reason.CONNECT, what + (broker.tls().caBundle() == null
                    ? "EMQX's certificate is not signed by a CA the JVM trusts: set emqx.tls.ca-bundle to the PEM file of the CA that signed it"
                    : "EMQX's certificate is not signed by a CA in " + broker.tls().caBundle()
                    + ": put the CA that signed it into that PEM file (emqx.tls.ca-bundle)"));
        }
        return new PollFailure(PollFailure.Reason.CONNECT, what + "check that EMQX's listener at that port speaks HTTPS"
                + " (or use http://), and emqx.tls.ca-bundle for a private CA");
    }

    private static String chainText(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null && text.length() < 4000; t = t.getCause()) {
            text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return text.toString();
    }

    private static PollFailure httpFailure(HttpOperationFailedException http, BrokerConfig broker) {
        int status = http.getStatusCode();
        String body = http.getResponseBody() == null ? "" : http.getResponseBody();
        String code = match(ERROR_CODE, body);
        String message = match(ERROR_MESSAGE, body);
        String emqxSays = code == null ? "HTTP " + status : "HTTP " + status + " " + code + (message == null ? "" : " \"" + message + "\"");
        if (status == 401) {
            return new PollFailure(PollFailure.Reason.AUTH, "EMQX rejected the API key (" + emqxSays
                    + "): check emqx.api.key and emqx.api.secret: an API key and its secret from EMQX's dashboard"
                    + " (System > API Keys), not a dashboard user; on EMQX 5.10+ the key needs the 'connections' scope");
        }
        if (status == 403) {
            return new PollFailure(PollFailure.Reason.AUTH, "the API key may not list clients (" + emqxSays
                    + "): on EMQX 5.10+ give the key the 'connections' scope (System > API Keys); before 5.10 give it"
                    + " a role that may read /api/v5/clients, e.g. viewer");
        }
        if (status == 404) {
            return new PollFailure(PollFailure.Reason.HTTP_4XX, "EMQX answered 404 for " + broker.apiUrl()
                    + "/v5/clients: emqx.url must be EMQX's API base, e.g. http://emqx:18083/api");
        }
        if (status >= 500) {
            return new PollFailure(PollFailure.Reason.HTTP_5XX, "EMQX failed to answer (" + emqxSays + ")");
        }
        return new PollFailure(PollFailure.Reason.HTTP_4XX, "EMQX refused the request (" + emqxSays + ")");
    }

    /**
     * Jackson's message without where it happened: the location quotes the answer itself and counts bytes, so
     * every poll of the same broken answer would read differently (one log line per failure state, not per poll).
     */
    private static String withoutSource(JacksonException json) {
        String message = json.getOriginalMessage() == null ? "" : json.getOriginalMessage();
        int source = message.indexOf("[Source:");
        if (source >= 0) {
            message = message.substring(0, source);
        }
        message = message.replaceAll("\\(start marker at\\s*$", "").replaceAll("\\s+", " ").trim();
        return message.replaceAll("[\\s(:]+$", "");
    }

    private static String match(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    private static String describe(Throwable t) {
        String message = firstLine(t);
        return t.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
