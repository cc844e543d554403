package dev.vkubelet.provider.azure.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.management.exception.ManagementException;
import dev.vkubelet.provider.ProviderMetrics;
import dev.vkubelet.provider.azure.aci.ArmClient;
import dev.vkubelet.provider.azure.config.AzureConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The emulator's REST contract, through raw HTTP and through the SDK. */
class ArmEmulatorTest {

    private static final String BODY = """
            {"location": "westus2", "tags": {"k": "v"}, "properties": {"osType": "Linux", "restartPolicy": "Never",
             "containers": [{"name": "app", "properties": {"image": "busybox", "command": ["sh", "-c", "exit 0"],
               "resources": {"requests": {"cpu": 1, "memoryInGB": 1.5}}}}]}}""";

    private ArmEmulator emulator;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private String groups() {
        return emulator.endpoint() + "/subscriptions/" + AzureConfig.EMULATOR_SUBSCRIPTION
                + "/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups";
    }

    private HttpResponse<String> send(String method, String url, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void createAndDeleteAreLongRunningOperations() throws Exception {
        emulator = ArmEmulator.start(ArmSettings.defaults().withTimeScale(0.005));
        String group = groups() + "/g1?api-version=" + ArmEmulator.API_VERSION;
        HttpResponse<String> put = send("PUT", group, BODY);
        assertEquals(201, put.statusCode(), put.body());
        String operation = put.headers().firstValue("Azure-AsyncOperation").orElseThrow();
        assertTrue(put.headers().firstValue("Retry-After").isPresent());
        assertTrue(put.body().contains("\"provisioningState\":\"Pending\""), put.body());
        dev.vkubelet.provider.testkit.Await.until(java.time.Duration.ofSeconds(10), "operation succeeded",
                () -> {
                    try {
                        return send("GET", operation, null).body().contains("\"status\":\"Succeeded\"");
                    } catch (Exception e) {
                        return false;
                    }
                });
        assertEquals(200, send("PUT", group, BODY).statusCode(), "a second PUT updates");
        HttpResponse<String> delete = send("DELETE", group, null);
        assertEquals(202, delete.statusCode());
        String location = delete.headers().firstValue("Location").orElseThrow();
        dev.vkubelet.provider.testkit.Await.until(java.time.Duration.ofSeconds(10), "delete done",
                () -> {
                    try {
                        return send("GET", location, null).statusCode() == 204;
                    } catch (Exception e) {
                        return false;
                    }
                });
        HttpResponse<String> missing = send("GET", group, null);
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("\"code\":\"ResourceNotFound\""), missing.body());
        assertEquals(204, send("DELETE", group, null).statusCode(), "deleting what is gone is a no-op");
    }

    @Test
    void requestsNeedTheApiVersionAndValidBodies() throws Exception {
        emulator = ArmEmulator.start(ArmSettings.defaults());
        HttpResponse<String> none = send("GET", groups() + "/x", null);
        assertEquals(400, none.statusCode());
        assertTrue(none.body().contains("MissingApiVersionParameter"), none.body());
        assertEquals(400, send("GET", groups() + "/x?api-version=2019-01-01", null).statusCode());
        HttpResponse<String> badName = send("PUT", groups() + "/Bad_Name?api-version=" + ArmEmulator.API_VERSION, BODY);
        assertTrue(badName.body().contains("ContainerGroupNameInvalid"), badName.body());
        HttpResponse<String> noRequests = send("PUT", groups() + "/g?api-version=" + ArmEmulator.API_VERSION,
                BODY.replace("\"resources\": {\"requests\": {\"cpu\": 1, \"memoryInGB\": 1.5}}", "\"resources\": {}"));
        assertTrue(noRequests.body().contains("InvalidContainerResourceRequests"), noRequests.body());
    }

    @Test
    void listsPageWithNextLinkAndTheSdkFollowsIt() throws Exception {
        emulator = ArmEmulator.start(ArmSettings.defaults().withPageSize(2));
        for (int i = 0; i < 5; i++) {
            assertEquals(201, send("PUT", groups() + "/g" + i + "?api-version=" + ArmEmulator.API_VERSION, BODY)
                    .statusCode());
        }
        HttpResponse<String> first = send("GET", groups() + "?api-version=" + ArmEmulator.API_VERSION, null);
        assertTrue(first.body().contains("\"nextLink\""), first.body());
        ArmClient arm = new ArmClient(withRg("rg"), emulator.endpoint(), ProviderMetrics.none());
        assertEquals(5, arm.groups().listByResourceGroup("rg").stream().count());
        ManagementException missing = assertThrows(ManagementException.class,
                () -> arm.groups().getByResourceGroup("rg", "nope"));
        assertEquals("ResourceNotFound", missing.getValue().getCode());
        assertEquals(404, missing.getResponse().getStatusCode());
    }

    @Test
    void throttledRequestsCarryRetryAfterAndTheSdkRetriesThem() throws Exception {
        emulator = ArmEmulator.start(ArmSettings.defaults().withTimeScale(0.01).withFaults(1.0, 0, 0));
        HttpResponse<String> throttled = send("GET", groups() + "?api-version=" + ArmEmulator.API_VERSION, null);
        assertEquals(429, throttled.statusCode());
        assertTrue(throttled.body().contains("TooManyRequests"));
        assertNotNull(throttled.headers().firstValue("Retry-After").orElse(null));
        assertNotNull(throttled.headers().firstValue("x-ms-retry-after-ms").orElse(null));
        ArmClient arm = new ArmClient(withRg("rg"), emulator.endpoint(), ProviderMetrics.none());
        long before = emulator.throttledRequests();
        ManagementException e = assertThrows(ManagementException.class,
                () -> arm.groups().listByResourceGroup("rg").stream().count());
        assertEquals(429, e.getResponse().getStatusCode());
        assertEquals(AzureConfig.defaults().maxRetries() + 1, emulator.throttledRequests() - before,
                "one attempt and every retry");
    }

    private static AzureConfig withRg(String rg) {
        AzureConfig d = AzureConfig.defaults();
        return new AzureConfig(d.subscriptionId(), rg, d.region(), d.osType(), d.capacity(), d.armEndpoint(),
                d.credentials(), d.pollInterval(), d.pendingPollInterval(), d.maxRetries(), d.traceGranularity(), d.emulator());
    }
}
