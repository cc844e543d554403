package dev.vkubelet.core.kubeletapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SubprotocolTest {

    @Test
    void theClientsOrderDecidesAsInNettysHandshake() {
        assertEquals(WebSocketPortForward.BASE64, StreamUpgrades.protocol(
                "v4.base64.channel.k8s.io, v4.channel.k8s.io", WebSocketPortForward.SUBPROTOCOLS,
                WebSocketPortForward.BINARY));
        assertEquals(WebSocketPortForward.BINARY, StreamUpgrades.protocol(
                "v4.channel.k8s.io,v4.base64.channel.k8s.io", WebSocketPortForward.SUBPROTOCOLS,
                WebSocketPortForward.BINARY));
        assertEquals(WebSocketExec.V4, StreamUpgrades.protocol("v9.channel.k8s.io, v4.channel.k8s.io",
                WebSocketExec.SUBPROTOCOLS, WebSocketExec.V1));
    }

    @Test
    void nothingWeSpeakFallsBack() {
        assertEquals(WebSocketExec.V1, StreamUpgrades.protocol(null, WebSocketExec.SUBPROTOCOLS, WebSocketExec.V1));
        assertEquals(WebSocketPortForward.BINARY, StreamUpgrades.protocol("chat",
                WebSocketPortForward.SUBPROTOCOLS, WebSocketPortForward.BINARY));
    }
}
