package io.emqxclientmonitor.emqx;

import java.util.Locale;

/** Why a poll of a broker failed: the {@code reason} label of {@code emqx_client_monitor_poll_errors_total}, and a one-line explanation. */
public record PollFailure(Reason reason, String message) {

    public enum Reason {
        TIMEOUT, CONNECT, AUTH, HTTP_4XX, HTTP_5XX, INVALID_RESPONSE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
