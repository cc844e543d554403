package dev.vkubelet.provider.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.AttachIO;
import dev.vkubelet.provider.TerminalSize;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The mock's interactive {@code sh}: what a user at a terminal (or a pipe) sees. */
class MockShellTest {

    private static final V1Container APP = new V1Container().name("app").env(List.of(
            new V1EnvVar().name("MODE").value("prod"),
            new V1EnvVar().name("DB_PASSWORD").value("hunter2").valueFrom(new V1EnvVarSource()
                    .secretKeyRef(new V1SecretKeySelector().name("db").key("password")))));
    private static final V1Pod POD = new V1Pod().metadata(new V1ObjectMeta().namespace("ns").name("web"));

    /** A session's streams: typed or piped input, the output, and resizes sent before the first read. */
    private static final class Session implements AttachIO {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<Consumer<TerminalSize>> resizes = new ArrayList<>();
        private final InputStream in;
        private final boolean tty;

        Session(String input, boolean tty, TerminalSize... sizes) {
            this.tty = tty;
            byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
            this.in = new ByteArrayInputStream(bytes) {
                private boolean sent;

                @Override
                public synchronized int read() {
                    if (!sent) { // the client's resize messages arrive once the session is up
                        sent = true;
                        for (TerminalSize size : sizes) {
                            resizes.forEach(r -> r.accept(size));
                        }
                    }
                    return super.read();
                }
            };
        }

        @Override
        public Optional<InputStream> stdin() {
            return Optional.of(in);
        }

        @Override
        public Optional<OutputStream> stdout() {
            return Optional.of(out);
        }

        @Override
        public Optional<OutputStream> stderr() {
            return tty ? Optional.empty() : Optional.of(out);
        }

        @Override
        public boolean tty() {
            return tty;
        }

        @Override
        public void onResize(Consumer<TerminalSize> listener) {
            resizes.add(listener);
        }

        String output() {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static int sh(Session io) {
        return new MockShell(POD, APP, io).run(List.of("sh"));
    }

    @Test
    void onATerminalItPromptsEchoesAndEndsLinesAsATerminalDoes() {
        Session io = new Session("echo hi\rhostname\rexit 3\r", true);
        assertEquals(3, sh(io));
        assertEquals("$ echo hi\r\nhi\r\n$ hostname\r\nweb\r\n$ exit 3\r\n", io.output());
    }

    @Test
    void envShowsTheEnvironmentWithWhereASecretComesFromInsteadOfItsValue() {
        Session io = new Session("env\r", true);
        assertEquals(0, sh(io));
        String out = io.output();
        assertTrue(out.contains("\r\nHOSTNAME=web\r\nMODE=prod\r\nDB_PASSWORD=(from Secret db, key password)\r\n"),
                out);
        assertFalse(out.contains("hunter2"), out);
        assertTrue(out.endsWith("$ exit\r\n"), "the end of input ends the session: " + out);
    }

    @Test
    void sttySizeFollowsTheResizesTheClientSends() {
        Session io = new Session("stty size\rexit\r", true, new TerminalSize(80, 24), new TerminalSize(132, 50));
        assertEquals(0, sh(io));
        assertTrue(io.output().contains("stty size\r\n50 132\r\n"), io.output());
    }

    @Test
    void backspaceCtrlCAndCtrlDEditAsOnATerminal() {
        Session io = new Session("echo hello\u007f\u007fp\recho lost\u0003echo kept\r\u0004", true);
        assertEquals(0, sh(io));
        String out = io.output();
        assertTrue(out.contains("echo hello\b \b\b \bp\r\nhelp\r\n"), out);
        assertTrue(out.contains("echo lost^C\r\n$ echo kept\r\nkept\r\n"), out);
        assertFalse(out.contains("\r\nlost"), "an abandoned line ran: " + out);
        assertTrue(out.endsWith("$ exit\r\n"), "Ctrl-D on an empty line ends the session: " + out);
    }

    @Test
    void catOnATerminalGivesBackEachLineUntilCtrlD() {
        Session io = new Session("cat\rone\rtwo\r\u0004echo after\r", true);
        assertEquals(0, sh(io));
        assertTrue(io.output().contains("$ cat\r\none\r\none\r\ntwo\r\ntwo\r\n$ echo after\r\nafter\r\n"), io.output());
    }

    @Test
    void fromAPipeItReadsLinesWithoutPromptOrEcho() {
        Session io = new Session("echo a\nenv\ntty\nstty size\nexit 4\necho never\n", false);
        assertEquals(4, sh(io));
        assertEquals("a\nHOSTNAME=web\nMODE=prod\nDB_PASSWORD=(from Secret db, key password)\nnot a tty\n"
                + "stty: 'standard input': Inappropriate ioctl for device\n", io.output());
    }
}
