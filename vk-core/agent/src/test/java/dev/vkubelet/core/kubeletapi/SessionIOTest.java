package dev.vkubelet.core.kubeletapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.TerminalSize;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SessionIOTest {

    @Test
    void resizeMessagesReachEveryListenerAndMalformedOnesAreSkipped() {
        SessionIO io = new SessionIO(Optional.empty(), Optional.empty(), Optional.empty(), true);
        List<TerminalSize> first = new CopyOnWriteArrayList<>();
        List<TerminalSize> second = new CopyOnWriteArrayList<>();
        io.onResize(first::add);
        io.onResize(second::add);

        io.resized("{\"Width\":80,\"Height\":24}\nnot json\n{\"Width\":120,\"Height\":40}"
                .getBytes(StandardCharsets.UTF_8));
        io.resized("{\"Width\":\"wide\"}".getBytes(StandardCharsets.UTF_8));

        List<TerminalSize> expected = List.of(new TerminalSize(80, 24), new TerminalSize(120, 40));
        assertEquals(expected, first);
        assertEquals(expected, second);
    }

    @Test
    void aListenerThatComesLateIsToldTheLatestSizeAtOnce() {
        SessionIO io = new SessionIO(Optional.empty(), Optional.empty(), Optional.empty(), true);
        io.resized("{\"Width\":80,\"Height\":24}\n{\"Width\":100,\"Height\":30}".getBytes(StandardCharsets.UTF_8));
        List<TerminalSize> late = new CopyOnWriteArrayList<>();
        io.onResize(late::add);
        assertEquals(List.of(new TerminalSize(100, 30)), late);
        io.resized("{\"Width\":132,\"Height\":50}".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(new TerminalSize(100, 30), new TerminalSize(132, 50)), late);
    }

    @Test
    void aTerminalHasNoSeparateStderr() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertTrue(new SessionIO(Optional.empty(), Optional.empty(), Optional.of(err), true).stderr().isEmpty());
        assertEquals(Optional.of(err), new SessionIO(Optional.empty(), Optional.empty(), Optional.of(err), false).stderr());
    }
}
