package io.emqxclientmonitor.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A hostile HTTP/1.1 client on a real loopback socket: the request goes out byte for byte as written (no client
 * library normalises paths, escapes or headers away), the answer is read until the server closes.
 */
final class RawHttp {
    private RawHttp() {
    }

    /** An answer: status code, header lines as sent, body bytes. */
    record Answer(int status, List<String> headers, byte[] body) {
        /** Values of a header, by case-insensitive name. */
        List<String> header(String name) {
            List<String> values = new ArrayList<>();
            for (String line : headers) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).trim());
                }
            }
            return values;
        }

        List<String> headerNames() {
            return headers.stream().map(l -> l.substring(0, Math.max(0, l.indexOf(':'))).trim().toLowerCase(Locale.ROOT)).toList();
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** GET target with extra header lines ("Name: value"), Connection: close. */
    static Answer get(int port, String target, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        return send(port, request.toString());
    }

    /** Sends these bytes as they are (a request line and headers of the caller's making) and reads the answer. */
    static Answer send(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    static Answer parse(byte[] raw) {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (end < 0) {
            throw new IllegalStateException("no complete HTTP answer: " + new String(raw, StandardCharsets.ISO_8859_1));
        }
        List<String> lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).lines().toList();
        int status = Integer.parseInt(lines.get(0).split(" ")[1]);
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        Answer answer = new Answer(status, lines.subList(1, lines.size()), body);
        return body.length > 0 && answer.header("Transfer-Encoding").contains("chunked")
                ? new Answer(status, answer.headers(), dechunk(body)) : answer;
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOf(java.util.Arrays.copyOfRange(chunked, at, chunked.length), new byte[]{'\r', '\n'}) + at;
            int size = Integer.parseInt(new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Whether the server closes this socket within about {@code maxWaitMillis}, reading (and discarding) whatever it
     * sends. False when it is still open at the end.
     */
    static boolean closedByServerWithin(Socket socket, long maxWaitMillis) throws IOException {
        socket.setSoTimeout(100);
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[8192];
        for (long waited = 0; waited < maxWaitMillis; ) {
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                waited += 100;
            } catch (IOException e) {
                return true; // reset by the server
            }
        }
        return false;
    }

    /** Reads exactly what the server answers to one request on a kept-alive connection (Content-Length bodies). */
    static Answer readOne(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] crlfcrlf = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the answer's headers ended");
            }
            head.write(b);
            matched = b == crlfcrlf[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        Answer headers = parse(head.toByteArray());
        if (!headers.header("Content-Length").isEmpty()) {
            return new Answer(headers.status(), headers.headers(), in.readNBytes(Integer.parseInt(headers.header("Content-Length").get(0))));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
            body.write(in.readNBytes(size));
            in.readNBytes(2);
        }
        in.readNBytes(2); // the empty line after the last chunk
        return new Answer(headers.status(), headers.headers(), body.toByteArray());
    }

    private static int chunkSize(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("closed inside a chunked answer");
            }
            line.append((char) b);
        }
        return Integer.parseInt(line.toString().trim().split(";")[0], 16);
    }
}
