package dev.vkubelet.provider.azure;

import dev.vkubelet.provider.cloudkit.DaemonThreads;
import dev.vkubelet.provider.cloudkit.Utf8Chunks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The client end of ACI exec: connects to the WebSocket ACI handed out, sends the password as
 * the first message, pumps stdin as messages and writes what comes back to stdout, until the
 * service closes the socket. ACI reports no exit status: a session that ends normally is 0.
 */
final class ExecSession {

    private ExecSession() {}

    static int run(URI uri, String password, Optional<InputStream> stdin, OutputStream stdout) {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            /** A high surrogate that ended a part of a message: its pair comes with the next part. */
            private String pending = "";

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                String text = pending + data;
                pending = "";
                if (!last && !text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
                    pending = text.substring(text.length() - 1);
                    text = text.substring(0, text.length() - 1);
                }
                write(text.getBytes(StandardCharsets.UTF_8));
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                write(bytes);
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode == WebSocket.NORMAL_CLOSURE ? 0 : 1);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.completeExceptionally(error);
            }

            private void write(byte[] bytes) {
                try {
                    stdout.write(bytes);
                    stdout.flush();
                } catch (IOException e) {
                    closed.complete(0); // the client went away
                }
            }
        };
        HttpClient http = HttpClient.newHttpClient();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, listener).join();
        ws.sendText(password, true).join();
        Thread pump = null;
        if (stdin.isPresent()) {
            pump = DaemonThreads.factory("aci-exec-stdin", ExecSession.class).newThread(() -> {
                byte[] buffer = new byte[8192];
                Utf8Chunks text = new Utf8Chunks(); // a character split between two reads is sent whole
                try {
                    for (int n = stdin.get().read(buffer); n >= 0 && !closed.isDone(); n = stdin.get().read(buffer)) {
                        String chunk = text.nextText(buffer, 0, n);
                        if (!chunk.isEmpty()) {
                            ws.sendText(chunk, true).join();
                        }
                    }
                    byte[] rest = text.rest(); // an incomplete last character: sent as what it is, malformed
                    if (rest.length > 0 && !closed.isDone()) {
                        ws.sendText(new String(rest, StandardCharsets.UTF_8), true).join();
                    }
                    if (!closed.isDone()) {
                        ws.sendClose(WebSocket.NORMAL_CLOSURE, "stdin closed").join();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (RuntimeException e) {
                    // the socket closed under us: the session is over
                }
            });
            pump.start();
        }
        try {
            return closed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ws.abort();
            return 1;
        } catch (ExecutionException e) {
            return 1;
        } finally {
            if (pump != null) {
                pump.interrupt();
            }
        }
    }
}
