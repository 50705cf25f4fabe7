package io.emqxclientmonitor.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between the exporter and the EMQX simulator whose link can fail the way networks do, on real
 * sockets: refuse connections (nothing listens on the port), accept and never answer (a black hole), or pass
 * the answer on and reset the connection halfway through the body. Switching mode drops every open connection,
 * so the next request sees the new behaviour; {@link Mode#FORWARD} heals the link on the same port.
 */
final class FaultyLink implements AutoCloseable {
    enum Mode { FORWARD, REFUSE, BLACK_HOLE, RESET_MID_BODY }

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.FORWARD;
    private volatile ServerSocket listener;
    private volatile boolean closed;

    FaultyLink(int targetPort) {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.listener = listen(0);
        this.port = listener.getLocalPort();
        acceptLoop(listener);
    }

    /** EMQX's API base through this link. */
    String apiUrl() {
        return "http://127.0.0.1:" + port + "/api";
    }

    synchronized void mode(Mode next) {
        if (next == mode) {
            return;
        }
        dropConnections();
        if (next == Mode.REFUSE) {
            closeQuietly(listener);
        } else if (mode == Mode.REFUSE) {
            listener = listen(port);
            acceptLoop(listener);
        }
        mode = next;
    }

    private ServerSocket listen(int onPort) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
            return socket;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on port " + onPort, e);
        }
    }

    private void acceptLoop(ServerSocket socket) {
        daemon("faulty-link-accept", () -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    open.add(client);
                    daemon("faulty-link-conn", () -> serve(client));
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    private void serve(Socket client) {
        try (client) {
            switch (mode) {
                case FORWARD -> forward(client, false);
                case RESET_MID_BODY -> forward(client, true);
                case BLACK_HOLE -> client.getInputStream().transferTo(OutputStream.nullOutputStream());
                case REFUSE -> { }
            }
        } catch (IOException e) {
            // the exporter or this link dropped the connection: nothing to do
        } finally {
            open.remove(client);
        }
    }

    /** Pipes both ways; with {@code resetMidBody}, passes on half of the first answer and then resets. */
    private void forward(Socket client, boolean resetMidBody) throws IOException {
        try (Socket upstream = new Socket()) {
            upstream.connect(target, 2000);
            open.add(upstream);
            daemon("faulty-link-up", () -> {
                try {
                    client.getInputStream().transferTo(upstream.getOutputStream());
                } catch (IOException ignored) {
                    // either side closed
                }
            });
            InputStream answer = upstream.getInputStream();
            OutputStream out = client.getOutputStream();
            if (!resetMidBody) {
                answer.transferTo(out);
                return;
            }
            byte[] whole = readAnswer(answer);
            out.write(whole, 0, whole.length / 2);
            out.flush();
            client.setSoLinger(true, 0); // close with RST: "connection reset"
        } finally {
            open.remove(client);
        }
    }

    /** One HTTP answer with a Content-Length body. */
    private static byte[] readAnswer(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int contentLength = -1;
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            bytes.write(b);
            if (b == '\n') {
                String header = line.toString().trim();
                if (header.isEmpty()) {
                    break;
                }
                if (header.toLowerCase().startsWith("content-length:")) {
                    contentLength = Integer.parseInt(header.substring(15).trim());
                }
                line.setLength(0);
            } else {
                line.append((char) b);
            }
        }
        if (contentLength > 0) {
            bytes.write(in.readNBytes(contentLength));
        }
        return bytes.toByteArray();
    }

    private void dropConnections() {
        for (Socket socket : open) {
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // already closed
            }
            closeQuietly(socket);
        }
        open.clear();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // best effort
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeQuietly(listener);
        dropConnections();
    }

    boolean isClosed() {
        return closed;
    }
}
