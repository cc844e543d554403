package dev.vkubelet.provider.azure.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The emulator's WebSocket end refuses frames it should not read into memory. */
class ExecSocketsTest {

    private final ExecSockets sockets;
    private final AtomicBoolean commandRan = new AtomicBoolean();

    ExecSocketsTest() throws IOException {
        sockets = new ExecSockets();
    }

    @AfterEach
    void close() {
        sockets.close();
    }

    /** Connects, upgrades and sends the password; returns the socket, ready for the client's frames. */
    private Socket session() throws IOException {
        URI uri = sockets.register("s1", "pw", (in, out) -> {
            commandRan.set(true);
            try {
                in.transferTo(out);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Socket socket = new Socket("127.0.0.1", uri.getPort());
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        String status = readLine(in);
        assertTrue(status.startsWith("HTTP/1.1 101"), status);
        while (!readLine(in).isEmpty()) {
            // headers
        }
        sendHeader(socket, 0x81, "pw".length());
        socket.getOutputStream().write(new byte[] {0, 0, 0, 0});
        socket.getOutputStream().write("pw".getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n' && b >= 0; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** A masked frame header claiming {@code length} bytes (the mask key follows separately). */
    private static void sendHeader(Socket socket, int first, long length) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.write(first);
        if (length < 126) {
            out.write(0x80 | (int) length);
        } else {
            out.write(0x80 | 127);
            out.writeLong(length);
        }
        out.flush();
    }

    /** The status of the close frame the server sends next, skipping data frames. */
    private static int closeStatus(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        while (true) {
            int opcode = in.readUnsignedByte() & 0x0f;
            int length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (opcode == 0x8) {
                return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            }
        }
    }

    @Test
    void aFrameClaimingMoreThanTheMessageLimitClosesWith1009WithoutReadingIt() throws Exception {
        try (Socket socket = session()) {
            sendHeader(socket, 0x82, 1L << 40); // a terabyte: never allocated
            assertEquals(1009, closeStatus(socket));
        }
    }

    @Test
    void fragmentsAddingUpPastTheLimitCloseWith1009() throws Exception {
        try (Socket socket = session()) {
            int piece = ExecSockets.MAX_MESSAGE / 2 + 1;
            sendHeader(socket, 0x02, piece); // not final
            socket.getOutputStream().write(new byte[4 + piece]);
            sendHeader(socket, 0x80, piece); // continuation, final: past the limit
            assertEquals(1009, closeStatus(socket));
        }
    }

    @Test
    void anOversizedControlFrameClosesWith1002() throws Exception {
        try (Socket socket = session()) {
            sendHeader(socket, 0x89, 126); // a ping of 126 bytes
            assertEquals(1002, closeStatus(socket));
        }
    }

    @Test
    void aMessageWithinTheLimitReachesTheCommand() throws Exception {
        try (Socket socket = session()) {
            byte[] text = "hello".getBytes(StandardCharsets.US_ASCII);
            sendHeader(socket, 0x81, text.length);
            socket.getOutputStream().write(new byte[] {0, 0, 0, 0});
            socket.getOutputStream().write(text);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals(0x81, in.readUnsignedByte(), "a final text frame back");
            byte[] echoed = new byte[in.readUnsignedByte()];
            in.readFully(echoed);
            assertEquals("hello", new String(echoed, StandardCharsets.US_ASCII));
            assertTrue(commandRan.get());
        }
    }
}
