package dev.vkubelet.provider.cloudkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerScriptTest {

    @Test
    void aShellScriptBecomesSteps() {
        ContainerScript script = ContainerScript.of(List.of("/bin/sh", "-c"),
                List.of("echo 'hello  world'; sleep 1.5 && echo \"done\"\nexit 4"));
        assertFalse(script.server());
        assertEquals(List.of(new ContainerScript.Echo("hello  world"),
                new ContainerScript.Sleep(Duration.ofMillis(1500)), new ContainerScript.Echo("done"),
                new ContainerScript.Exit(4)), script.steps());
    }

    @Test
    void bareCommandsAreUnderstoodToo() {
        assertEquals(List.of(new ContainerScript.Sleep(Duration.ofSeconds(3600))),
                ContainerScript.of(List.of("sleep", "3600"), null).steps());
        assertEquals(List.of(new ContainerScript.Exit(1)), ContainerScript.of(null, List.of("false")).steps());
    }

    @Test
    void anythingElseIsAServer() {
        ContainerScript nginx = ContainerScript.of(List.of("nginx"), List.of("-g", "daemon off;"));
        assertTrue(nginx.server());
        assertEquals(List.of(new ContainerScript.Echo("started nginx -g daemon off;")), nginx.steps());
        assertTrue(ContainerScript.of(List.of("sh", "-c"), List.of("echo hi; curl example.com")).server());
        assertTrue(ContainerScript.of(null, null).server());
    }
}
