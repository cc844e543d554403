package dev.vkubelet.provider.azure.emulator;

import dev.vkubelet.provider.cloudkit.DaemonThreads;
import dev.vkubelet.provider.cloudkit.Utf8Chunks;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket end of ACI exec on loopback (RFC 6455, server side, no extensions). A session is
 * registered with a path and a password; the client's first text message must be the password;
 * its later messages are the command's stdin, and what the command writes goes back as text
 * messages; the server closes the socket when the command ends.
 */
final class ExecSockets implements AutoCloseable {

    /** What runs in a session: reads the client's input, writes output, returns when done. */
    interface Command extends BiConsumer<InputStream, OutputStream> {}

    private record Session(String password, Command command) {}

    private static final Logger LOG = LoggerFactory.getLogger(ExecSockets.class);
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** The largest message (all its frames) a client may send; a larger one closes the socket with 1009. */
    static final int MAX_MESSAGE = 1 << 20;
    /** RFC 6455: control frames carry at most 125 bytes. */
    private static final int MAX_CONTROL = 125;

    /** A frame or message over the limits: the socket was closed with the given status. */
    private static final class TooBig extends IOException {
        TooBig(String message) {
            super(message);
        }
    }

    private final ServerSocket server;
    private final ExecutorService threads;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    ExecSockets() throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.threads = Executors.newCachedThreadPool(DaemonThreads.factory("aci-emulator-exec", ExecSockets.class));
        threads.execute(this::accept);
    }

    /** Registers a session and returns its {@code ws://} URI. */
    URI register(String id, String password, Command command) {
        sessions.put(id, new Session(password, command));
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/exec/" + id);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("exec socket accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            Map<String, String> headers = new HashMap<>();
            String requestLine = readLine(in);
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
                }
            }
            String[] parts = requestLine.split(" ");
            String path = parts.length > 1 ? parts[1] : "";
            Session session = path.startsWith("/exec/") ? sessions.remove(path.substring(6)) : null;
            String key = headers.get("sec-websocket-key");
            if (session == null || key == null) {
                out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            FrameReader frames = new FrameReader(new DataInputStream(in), out);
            byte[] first = frames.next();
            if (first == null || !session.password().equals(new String(first, StandardCharsets.UTF_8))) {
                writeFrame(out, 0x8, new byte[] {0x03, (byte) 0xf0}); // close 1008: policy violation
                return;
            }
            Utf8Chunks text = new Utf8Chunks(); // a text message is whole UTF-8: split characters wait
            OutputStream toClient = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    byte[] payload = text.next(b, off, len);
                    if (payload.length > 0) {
                        synchronized (out) {
                            writeFrame(out, 0x1, payload);
                        }
                    }
                }
            };
            session.command().accept(frames.asStream(), toClient);
            synchronized (out) {
                byte[] rest = text.rest();
                if (rest.length > 0) {
                    writeFrame(out, 0x2, rest); // not text: an incomplete character
                }
                writeFrame(out, 0x8, new byte[] {0x03, (byte) 0xe8}); // close 1000: normal
            }
        } catch (TooBig e) {
            LOG.debug("exec session closed: {}", e.getMessage());
        } catch (SocketException | EOFException e) {
            // the client went away
        } catch (IOException | RuntimeException e) {
            LOG.debug("exec session failed: {}", e.toString());
        }
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed in the handshake");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length < 65536) {
            out.write(126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >> shift) & 0xff);
            }
        }
        out.write(payload);
        out.flush();
    }

    /** Reads the client's data messages, answering pings and ending at a close frame. */
    private static final class FrameReader {
        private final DataInputStream in;
        private final OutputStream out;

        FrameReader(DataInputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        /** The next whole data message, or null at a close frame. */
        byte[] next() throws IOException {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                boolean fin = (b0 & 0x80) != 0;
                int opcode = b0 & 0x0f;
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                boolean control = (opcode & 0x8) != 0;
                if (control && length > MAX_CONTROL) {
                    refuse(1002, "a control frame of " + length + " bytes (at most " + MAX_CONTROL + ")");
                }
                if (length < 0 || length > MAX_MESSAGE - message.size()) {
                    refuse(1009, "a message of more than " + MAX_MESSAGE + " bytes");
                }
                byte[] mask = new byte[4];
                if ((b1 & 0x80) != 0) {
                    in.readFully(mask);
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
                switch (opcode) {
                    case 0x8 -> {
                        return null;
                    }
                    case 0x9 -> {
                        synchronized (out) {
                            writeFrame(out, 0xA, payload);
                        }
                    }
                    case 0xA -> {
                        // pong: nothing to do
                    }
                    default -> {
                        message.write(payload);
                        if (fin) {
                            return message.toByteArray();
                        }
                    }
                }
            }
        }

        /** Closes with {@code status} and ends the session: nothing of the frame is read into memory. */
        private void refuse(int status, String why) throws IOException {
            synchronized (out) {
                writeFrame(out, 0x8, new byte[] {(byte) (status >> 8), (byte) status});
            }
            throw new TooBig(why + ": closed with " + status);
        }

        InputStream asStream() {
            return new InputStream() {
                private byte[] current = new byte[0];
                private int position;
                private boolean ended;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    while (position >= current.length) {
                        if (ended) {
                            return -1;
                        }
                        byte[] next;
                        try {
                            next = FrameReader.this.next();
                        } catch (EOFException e) {
                            next = null;
                        }
                        if (next == null) {
                            ended = true;
                            return -1;
                        }
                        current = next;
                        position = 0;
                    }
                    int n = Math.min(len, current.length - position);
                    System.arraycopy(current, position, b, off, n);
                    position += n;
                    return n;
                }
            };
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
