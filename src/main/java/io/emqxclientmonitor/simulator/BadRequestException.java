package io.emqxclientmonitor.simulator;

/** A query EMQX's schema check would reject with 400 BAD_REQUEST. */
final class BadRequestException extends Exception {

    BadRequestException(String message) {
        super(message);
    }
}
