package dev.vkubelet.provider.aws.config;

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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AwsConfigTest {

    @TempDir
    Path dir;

    private AwsConfig load(String text) throws IOException {
        Path file = dir.resolve("aws.yaml");
        Files.writeString(file, text);
        return AwsConfig.load(file);
    }

    private String error(String text) {
        return assertThrows(InvalidInputException.class, () -> load(text)).getMessage();
    }

    @Test
    void defaultsRunAgainstTheEmbeddedEmulator() {
        AwsConfig config = AwsConfig.defaults();
        assertTrue(config.embedded());
        assertEquals("20", config.capacity().get("cpu").toSuffixedString());
        assertEquals("40Gi", config.capacity().get("memory").toSuffixedString());
        assertEquals("20", config.capacity().get("pods").toSuffixedString());
        assertEquals("40Gi", config.capacity().get("ephemeral-storage").toSuffixedString());
        assertEquals(Optional.of(AwsConfig.EMULATOR_LOG_GROUP), config.logGroup());
    }

    @Test
    void readsEveryField() throws IOException {
        AwsConfig config = load("""
                region: eu-west-1
                cluster: prod
                subnets: [subnet-a, subnet-b]
                securityGroups: [sg-1]
                assignPublicIp: true
                platformVersion: 1.4.0
                executionRoleArn: arn:aws:iam::1:role/exec
                logGroup: /ecs/prod
                capacity: {cpu: 40, memory: 80Gi, pods: 50, storage: 100Gi}
                endpoint: http://127.0.0.1:4566
                credentials: {type: static, accessKeyId: AK, secretAccessKey: SK}
                pollInterval: 2s
                maxAttempts: 4
                traceGranularity: fine
                emulator:
                  timeScale: 0.5
                  latencies: {provisioning: 1s-2s, pending: 3s}
                  rateLimits: {run: {rate: 5, burst: 10}}
                  faults: {throttle: 0.25, serverError: 0.1, runTaskFailure: 0.05}
                """);
        assertEquals("eu-west-1", config.region());
        assertEquals(List.of("subnet-a", "subnet-b"), config.subnets());
        assertTrue(config.assignPublicIp());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), config.endpoint());
        assertFalse(config.embedded());
        assertEquals("AK", config.credentials().accessKeyId());
        assertEquals(Duration.ofSeconds(2), config.pollInterval());
        assertEquals(4, config.maxAttempts());
        assertEquals(Optional.of(Granularity.FINE), config.traceGranularity());
        assertEquals("100Gi", config.capacity().get("ephemeral-storage").toSuffixedString());
        assertEquals(Duration.ofSeconds(1), config.emulator().provisioning().min());
        assertEquals(Duration.ofSeconds(3), config.emulator().pending().max());
        assertEquals(5, config.emulator().rateLimits().get("run").rate());
        assertEquals(20, config.emulator().rateLimits().get("describe").rate());
        assertEquals(0.25, config.emulator().throttleRate());
    }

    @Test
    void theExampleShippedInTheDistributionIsValid() {
        AwsConfig example = AwsConfig.load(Path.of("../../dist/src/main/conf/aws-provider.yaml"));
        assertTrue(example.embedded());
        assertEquals(AwsConfig.defaults().capacity(), example.capacity());
        assertEquals(AwsConfig.defaults().emulator(), example.emulator());
    }

    @Test
    void realAwsUsesTheDefaultCredentialChainAndNoLogGroup() throws IOException {
        AwsConfig config = load("subnets: [subnet-a]\nendpoint: aws\n");
        assertTrue(config.useRealAws());
        assertFalse(config.embedded());
        assertTrue(config.credentials().chain());
        assertEquals(Optional.empty(), config.logGroup());
    }

    @Test
    void missingSubnetsNamesTheField() {
        assertTrue(error("cluster: x\n").contains("field 'subnets' is required"), error("cluster: x\n"));
    }

    @Test
    void badRegionNamesTheField() {
        String message = error("subnets: [s]\nregion: Europe\n");
        assertTrue(message.contains("field 'region'") && message.contains("Europe"), message);
    }

    @Test
    void unknownFieldsAreNamedAtAnyDepth() {
        String top = error("subnets: [s]\nsubnet: [t]\n");
        assertTrue(top.contains("field 'subnet' is not a known field"), top);
        String nested = error("subnets: [s]\nemulator:\n  faults: {thottle: 0.5}\n");
        assertTrue(nested.contains("field 'emulator.faults.thottle' is not a known field"), nested);
    }

    @Test
    void badValuesNameTheirField() {
        assertTrue(error("subnets: [s]\npollInterval: soon\n").contains("'pollInterval'"));
        assertTrue(error("subnets: [s]\nendpoint: ftp://x\n").contains("'endpoint'"));
        assertTrue(error("subnets: [s]\ncapacity: {cpu: lots}\n").contains("'capacity.cpu'"));
        assertTrue(error("subnets: [s]\nemulator: {faults: {throttle: 2}}\n").contains("'emulator.faults.throttle'"));
        assertTrue(error("subnets: [s]\nendpoint: aws\ncredentials: {type: static}\n").contains("'credentials.accessKeyId'"));
        assertTrue(error("subnets: [s]\nassignPublicIp: maybe\n").contains("'assignPublicIp'"));
        assertTrue(error("subnets: [s]\nemulator: {latencies: {pending: 5s-1s}}\n")
                .contains("'emulator.latencies.pending'"));
        assertTrue(error("subnets: s: t: [\n").contains("not valid JSON or YAML"));
    }
}
