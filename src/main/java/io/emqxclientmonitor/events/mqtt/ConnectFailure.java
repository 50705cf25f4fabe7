package io.emqxclientmonitor.events.mqtt;

import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;

import javax.net.ssl.SSLException;
import java.io.IOException;

/** Why the feed is down, as a reason of the contract and one line saying what to do. */
record ConnectFailure(String reason, String message) {
    /** CONNACK reason codes of a refused login: MQTT 5 0x86 bad user name or password, 0x87 not authorized. */
    private static final int BAD_CREDENTIALS = 0x86;
    private static final int NOT_AUTHORIZED = 0x87;

    static ConnectFailure classify(MqttException e, MqttFeedSettings settings) {
        int code = e.getReasonCode();
        if (code == BAD_CREDENTIALS || code == NOT_AUTHORIZED) {
            return new ConnectFailure("auth_failed", "EMQX refused the MQTT login of user '"
                    + settings.usernameForMessages() + "' at " + settings.url() + " (CONNACK reason code 0x"
                    + Integer.toHexString(code) + "): check emqx.events.mqtt.username and emqx.events.mqtt.password;"
                    + " retrying");
        }
        Throwable cause = rootCause(e);
        if (cause instanceof SSLException) {
            return new ConnectFailure("error", "the TLS handshake with " + settings.url() + " failed ("
                    + oneLine(cause) + "): give the CA of EMQX's certificate in emqx.events.mqtt.ca-file; retrying");
        }
        if (code == MqttClientException.REASON_CODE_SERVER_CONNECT_ERROR
                || code == MqttClientException.REASON_CODE_CLIENT_TIMEOUT || cause instanceof IOException) {
            return new ConnectFailure("unreachable", "cannot connect to " + settings.url() + " ("
                    + (cause == e ? oneLine(e) : oneLine(cause)) + "): check emqx.events.mqtt.url and that EMQX's MQTT"
                    + " listener is reachable from here; retrying");
        }
        return new ConnectFailure("error", "the MQTT connection to " + settings.url() + " failed (" + oneLine(e)
                + ", code " + code + "); retrying");
    }

    static String describe(MqttDisconnectResponse response) {
        if (response == null) {
            return "no reason given";
        }
        if (response.getException() != null) {
            Throwable cause = rootCause(response.getException());
            return oneLine(cause);
        }
        return response.getReasonString() != null ? response.getReasonString()
                : "DISCONNECT reason code 0x" + Integer.toHexString(response.getReturnCode());
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
