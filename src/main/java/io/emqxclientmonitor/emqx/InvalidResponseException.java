package io.emqxclientmonitor.emqx;

/** EMQX answered 200 with something that is not a {@code /clients} page. */
public class InvalidResponseException extends RuntimeException {
    public InvalidResponseException(String message) {
        super(message, null, false, false);
    }
}
