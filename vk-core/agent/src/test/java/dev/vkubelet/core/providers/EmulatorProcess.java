package dev.vkubelet.core.providers;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A plugin's cloud emulator run on its own, as an operator runs it so that agents can restart
 * without losing the emulated cloud: {@code java -cp <plugin jar>:<host class path> <main>}.
 */
final class EmulatorProcess implements AutoCloseable {

    private final Process process;
    private final URI endpoint;

    private EmulatorProcess(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts {@code mainClass} from {@code <plugins>/<pluginJar>} with {@code args}; waits for its URL. */
    static EmulatorProcess start(String pluginJar, String mainClass, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("vk.plugins.dir", "target/test-plugins")).resolve(pluginJar);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no plugin jar " + jar.toAbsolutePath() + ": build the providers first");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-cp",
                jar.toAbsolutePath() + File.pathSeparator + System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<URI> url = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("listening on ")) {
                        return URI.create(line.substring("listening on ".length()).trim());
                    }
                }
                throw new IllegalStateException("the emulator exited before listening");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            URI endpoint = url.get(60, TimeUnit.SECONDS);
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // keep the pipe from filling up
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "emulator-output");
            drain.setDaemon(true);
            drain.start();
            return new EmulatorProcess(process, endpoint);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    URI endpoint() {
        return endpoint;
    }

    /** The body of {@code GET <endpoint><path>}. */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(endpoint + path)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode());
        }
        return response.body();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
