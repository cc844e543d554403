package dev.vkubelet.core.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiException;
import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiMessagesTest {

    @Test
    void aRequestWithoutAnAnswerSaysSoWithoutClientJavasEmptyFields() {
        ApiException e = new ApiException(new ConnectException("Failed to connect to /127.0.0.1:6443"));
        String said = ApiMessages.describe(e);
        assertEquals("cannot reach the API server: ConnectException: Failed to connect to /127.0.0.1:6443", said);
        assertTrue(e.getMessage().contains("HTTP response code"), "client-java's own text, for contrast: "
                + e.getMessage());
        assertEquals(said, ApiMessages.describe(new IllegalStateException(e.toString(), e)), "wrapped in its text");
        assertEquals("the plane is gone", ApiMessages.describe(new IllegalStateException("the plane is gone", e)));
    }

    @Test
    void aRefusalGivesTheCodeAndTheStatusMessage() {
        ApiException e = new ApiException("Unprocessable Entity", 422, Map.of(), "{\"kind\":\"Status\","
                + "\"message\":\"Pod \\\"x\\\" is invalid\",\"reason\":\"Invalid\",\"code\":422}");
        assertEquals("HTTP 422 Pod \\\"x\\\" is invalid", ApiMessages.describe(e));
    }
}
