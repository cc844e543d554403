package dev.vkubelet.provider.aws.ecs;

import dev.vkubelet.provider.aws.config.AwsConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The ECS and CloudWatch Logs SDK clients of one provider, sharing a {@code url-connection}
 * HTTP client. Retries: the SDK's standard strategy with {@code maxAttempts} attempts and no
 * retry quota, so heavy throttling slows requests down instead of failing them early.
 */
public final class AwsClients implements AutoCloseable {

    private final SdkHttpClient http;
    private final EcsClient ecs;
    private final CloudWatchLogsClient logs;

    /**
     * @param endpoint where requests go; empty for AWS's own endpoints of the region
     */
    public AwsClients(AwsConfig config, Optional<URI> endpoint, RequestTracing tracing) {
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30))
                .build();
        AwsCredentialsProvider credentials = config.credentials().chain()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.credentials().accessKeyId(),
                        config.credentials().secretAccessKey()));
        ClientOverrideConfiguration overrides = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(config.maxAttempts())
                        .circuitBreakerEnabled(false)
                        .build())
                .addExecutionInterceptor(tracing)
                .build();
        Region region = Region.of(config.region());
        var ecsBuilder = EcsClient.builder().httpClient(http).region(region).credentialsProvider(credentials)
                .overrideConfiguration(overrides);
        var logsBuilder = CloudWatchLogsClient.builder().httpClient(http).region(region)
                .credentialsProvider(credentials).overrideConfiguration(overrides);
        endpoint.ifPresent(uri -> {
            ecsBuilder.endpointOverride(uri);
            logsBuilder.endpointOverride(uri);
        });
        this.ecs = ecsBuilder.build();
        this.logs = logsBuilder.build();
    }

    public EcsClient ecs() {
        return ecs;
    }

    public CloudWatchLogsClient logs() {
        return logs;
    }

    @Override
    public void close() {
        ecs.close();
        logs.close();
        http.close();
    }
}
