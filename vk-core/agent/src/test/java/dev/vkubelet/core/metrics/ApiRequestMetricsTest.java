package dev.vkubelet.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiRequestMetricsTest {

    private static String resource(String path) {
        return ApiRequestMetrics.resource(List.of(path.substring(1).split("/")));
    }

    @Test
    void pathsNameTheirResourceAndSubresource() {
        assertEquals("pods/status", resource("/api/v1/namespaces/a/pods/b/status"));
        assertEquals("pods", resource("/api/v1/namespaces/a/pods/b"));
        assertEquals("pods", resource("/api/v1/namespaces/a/pods"));
        assertEquals("pods", resource("/api/v1/pods"));
        assertEquals("nodes/status", resource("/api/v1/nodes/vk/status"));
        assertEquals("nodes", resource("/api/v1/nodes/vk"));
        assertEquals("namespaces", resource("/api/v1/namespaces/a"));
        assertEquals("leases", resource("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/vk"));
        assertEquals("events", resource("/api/v1/namespaces/a/events"));
        assertEquals("version", resource("/version"));
    }
}
