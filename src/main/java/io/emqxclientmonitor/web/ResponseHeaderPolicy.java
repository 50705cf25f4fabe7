package io.emqxclientmonitor.web;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

import java.util.Locale;
import java.util.Set;

/**
 * The header filter of every platform-http endpoint on the exporter's server (ours and any route a user adds): an
 * answer carries only the headers a route deliberately sets from this short list, and a request can never supply
 * one of them. Without it platform-http copies every query parameter and request header into the message and
 * from there into the answer ({@code GET /?Set-Cookie=a%3D1} answered {@code Set-Cookie: a=1}, and
 * {@code ?Content-Encoding=gzip} labelled a plain scrape as compressed).
 */
public final class ResponseHeaderPolicy extends HttpHeaderFilterStrategy {
    /** Lower case: what a route may put on an answer. Status, Content-Length and the security headers are set elsewhere. */
    static final Set<String> ROUTE_SET = Set.of("content-type", "content-encoding", "cache-control", "vary", "retry-after",
            "location");

    /** Camel message to HTTP answer: only the route-set headers go out. */
    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !ROUTE_SET.contains(headerName.toLowerCase(Locale.ROOT));
    }

    /** HTTP request to Camel message: never under a name that would go out again (Camel's own filter for the rest). */
    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return ROUTE_SET.contains(headerName.toLowerCase(Locale.ROOT))
                || super.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }
}
