package dev.vkubelet.provider.azure.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.tracing.Granularity;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzureConfigTest {

    @TempDir
    Path dir;

    private AzureConfig load(String text) throws IOException {
        Path file = dir.resolve("azure.yaml");
        Files.writeString(file, text);
        return AzureConfig.load(file);
    }

    private String error(String text) {
        return assertThrows(InvalidInputException.class, () -> load(text)).getMessage();
    }

    @Test
    void defaultsRunAgainstTheEmbeddedEmulatorWithUpstreamCapacity() {
        AzureConfig config = AzureConfig.defaults();
        assertTrue(config.embedded());
        assertEquals("20", config.capacity().get("cpu").toSuffixedString());
        assertEquals("100Gi", config.capacity().get("memory").toSuffixedString());
        assertEquals("20", config.capacity().get("pods").toSuffixedString());
        assertEquals("token", config.credentials().type());
    }

    @Test
    void readsEveryField() throws IOException {
        AzureConfig config = load("""
                subscriptionId: 12345678-1234-1234-1234-123456789abc
                resourceGroup: vk-rg
                region: eastus2
                osType: Windows
                capacity: {cpu: 40, memory: 64Gi, pods: 50}
                armEndpoint: https://management.azure.com
                credentials: {type: clientSecret, tenantId: t, clientId: c, clientSecret: s}
                pollInterval: 3s
                maxRetries: 4
                traceGranularity: fine
                emulator:
                  timeScale: 0.5
                  latencies: {pending: 1s-2s, creating: 5s}
                  requestRates: {reads: 100}
                  pageSize: 7
                  faults: {throttle: 0.25, serverError: 0.1, provisioningFailure: 0.05}
                """);
        assertEquals("vk-rg", config.resourceGroup());
        assertEquals("eastus2", config.region());
        assertEquals("Windows", config.osType());
        assertEquals(Optional.of(URI.create("https://management.azure.com")), config.armEndpoint());
        assertFalse(config.embedded());
        assertEquals("clientSecret", config.credentials().type());
        assertEquals(Duration.ofSeconds(3), config.pollInterval());
        assertEquals(4, config.maxRetries());
        assertEquals(Optional.of(Granularity.FINE), config.traceGranularity());
        assertEquals("64Gi", config.capacity().get("memory").toSuffixedString());
        assertEquals(Duration.ofSeconds(5), config.emulator().creating().max());
        assertEquals(100, config.emulator().readsPerSecond());
        assertEquals(7, config.emulator().pageSize());
        assertEquals(0.25, config.emulator().throttleRate());
    }

    @Test
    void theExampleShippedInTheDistributionIsValid() {
        AzureConfig example = AzureConfig.load(Path.of("../../dist/src/main/conf/azure-provider.yaml"));
        assertTrue(example.embedded());
        assertEquals(AzureConfig.defaults().capacity(), example.capacity());
    }

    @Test
    void missingOrBadFieldsAreNamed() {
        assertTrue(error("region: westus\n").contains("field 'resourceGroup' is required"));
        assertTrue(error("resourceGroup: rg\nregion: West US\n").contains("field 'region'"));
        assertTrue(error("resourceGroup: rg\nresourcegroup: x\n").contains("field 'resourcegroup' is not a known field"));
        assertTrue(error("resourceGroup: rg\nosType: Mac\n").contains("field 'osType'"));
        assertTrue(error("resourceGroup: rg\narmEndpoint: ftp://x\n").contains("field 'armEndpoint'"));
        assertTrue(error("resourceGroup: rg\narmEndpoint: https://management.azure.com\n")
                .contains("field 'subscriptionId' is required"));
        assertTrue(error("resourceGroup: rg\nsubscriptionId: 42\n").contains("field 'subscriptionId' is not a subscription"));
        assertTrue(error("""
                resourceGroup: rg
                subscriptionId: 12345678-1234-1234-1234-123456789abc
                armEndpoint: https://management.azure.com
                credentials: {type: clientSecret, tenantId: t}
                """).contains("field 'credentials.clientId' is required"));
        assertTrue(error("resourceGroup: rg\nemulator: {faults: {throttle: 1.5}}\n")
                .contains("field 'emulator.faults.throttle'"));
        assertTrue(error("resourceGroup: rg\ncapacity: {gpu: 1}\n").contains("field 'capacity.gpu'"));
    }
}
