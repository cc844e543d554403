package dev.vkubelet.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    @Test
    void listeningAddressesReadAsHostAndPortWithoutJavasSlash() throws Exception {
        assertEquals("*:10255", MetricsServer.hostPort(new InetSocketAddress(10255)));
        assertEquals("*:10250", MetricsServer.hostPort(new InetSocketAddress(InetAddress.getByName("::"), 10250)));
        assertEquals("127.0.0.1:8080", MetricsServer.hostPort(new InetSocketAddress("127.0.0.1", 8080)));
        assertEquals("[0:0:0:0:0:0:0:1]:9", MetricsServer.hostPort(new InetSocketAddress(InetAddress.getByName("::1"), 9)));
    }
}
