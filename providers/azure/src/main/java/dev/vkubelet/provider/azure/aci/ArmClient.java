package dev.vkubelet.provider.azure.aci;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.util.Context;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.resourcemanager.containerinstance.fluent.ContainerGroupsClient;
import com.azure.resourcemanager.containerinstance.fluent.ContainerInstanceManagementClient;
import com.azure.resourcemanager.containerinstance.fluent.ContainersClient;
import com.azure.resourcemanager.containerinstance.implementation.ContainerInstanceManagementClientBuilder;
import dev.vkubelet.provider.ProviderMetrics;
import dev.vkubelet.provider.azure.config.AzureConfig;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The Azure SDK's Container Instances clients over one HTTP pipeline: the JDK HTTP client,
 * retries of 429, 5xx and I/O errors that honour {@code Retry-After} ({@code maxRetries} of them,
 * exponential backoff otherwise), authorisation (a fixed bearer token, or a token credential for
 * Azure), and a policy that counts requests and 429s per attempt.
 */
public final class ArmClient {

    private static final String SCOPE = "https://management.azure.com/.default";

    private final ContainerGroupsClient groups;
    private final ContainersClient containers;

    public ArmClient(AzureConfig config, URI endpoint, ProviderMetrics metrics) {
        HttpPipelinePolicy auth = switch (config.credentials().type()) {
            case "token" -> staticToken(config.credentials().secret());
            case "clientSecret" -> new BearerTokenAuthenticationPolicy(new ClientSecretCredentialBuilder()
                    .tenantId(config.credentials().tenantId()).clientId(config.credentials().clientId())
                    .clientSecret(config.credentials().secret()).build(), SCOPE);
            default -> {
                ManagedIdentityCredentialBuilder identity = new ManagedIdentityCredentialBuilder();
                if (config.credentials().clientId() != null) {
                    identity.clientId(config.credentials().clientId());
                }
                TokenCredential credential = identity.build();
                yield new BearerTokenAuthenticationPolicy(credential, SCOPE);
            }
        };
        HttpPipeline pipeline = new HttpPipelineBuilder()
                .httpClient(new JdkHttpClientBuilder().connectionTimeout(Duration.ofSeconds(5)).build())
                .policies(new UserAgentPolicy("virtual-kubelet-jvm"),
                        new RetryPolicy(new RetryOptions(new ExponentialBackoffOptions()
                                .setMaxRetries(config.maxRetries())
                                .setBaseDelay(Duration.ofMillis(200))
                                .setMaxDelay(Duration.ofSeconds(20)))),
                        new Counting(metrics), new RequestChange(ArmClient::traceHeaders), auth,
                        new RequestChange(ArmClient::noEmptyContentLength))
                .build();
        AzureEnvironment environment;
        if (endpoint.equals(AzureConfig.AZURE_CLOUD)) {
            environment = AzureEnvironment.AZURE;
        } else {
            Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
            endpoints.put("resourceManagerEndpointUrl", endpoint.toString().endsWith("/") ? endpoint.toString()
                    : endpoint + "/");
            environment = new AzureEnvironment(endpoints);
        }
        // the service client alone, as ContainerInstanceManager builds it: the manager would also build
        // storage, authorization, network and identity managers this provider never calls (and the
        // plugin does not carry)
        ContainerInstanceManagementClient client = new ContainerInstanceManagementClientBuilder()
                .pipeline(pipeline)
                .endpoint(environment.getResourceManagerEndpoint())
                .subscriptionId(config.subscriptionId())
                .buildClient();
        this.groups = client.getContainerGroups();
        this.containers = client.getContainers();
    }

    public ContainerGroupsClient groups() {
        return groups;
    }

    public ContainersClient containers() {
        return containers;
    }

    /** A context carrying {@code stats} for the pipeline to fill. */
    public static Context context(CallStats stats) {
        return new Context(CallStats.KEY, stats);
    }

    /** A policy that changes each request before it goes on, on the SDK's async and sync paths alike. */
    private static final class RequestChange implements HttpPipelinePolicy {
        private final java.util.function.Consumer<HttpPipelineCallContext> change;

        RequestChange(java.util.function.Consumer<HttpPipelineCallContext> change) {
            this.change = change;
        }

        @Override
        public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
            change.accept(context);
            return next.process();
        }

        @Override
        public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
            change.accept(context);
            return next.processSync();
        }
    }

    /** Adds a fixed bearer token: the emulator's, or one the operator manages. */
    private static HttpPipelinePolicy staticToken(String token) {
        String header = "Bearer " + token;
        return new RequestChange(context -> context.getHttpRequest().setHeader(HttpHeaderName.AUTHORIZATION, header));
    }

    /** Sets the trace headers the call's {@link CallStats} carries on each of its requests. */
    private static void traceHeaders(HttpPipelineCallContext context) {
        context.getData(CallStats.KEY).ifPresent(o -> ((CallStats) o).traceHeaders.forEach(
                (name, value) -> context.getHttpRequest().setHeader(HttpHeaderName.fromString(name), value)));
    }

    /**
     * Drops {@code Content-Length} from requests without a body: the JDK client sets it itself and
     * refuses it as a restricted header, and azure-core would log a warning for every such request.
     */
    private static void noEmptyContentLength(HttpPipelineCallContext context) {
        if (context.getHttpRequest().getBodyAsBinaryData() == null) {
            context.getHttpRequest().getHeaders().remove(HttpHeaderName.CONTENT_LENGTH);
        }
    }

    /** Counts every attempt ({@code requests} by method and status, {@code throttles}) after the retry policy. */
    private static final class Counting implements HttpPipelinePolicy {
        private final ProviderMetrics metrics;

        Counting(ProviderMetrics metrics) {
            this.metrics = metrics;
        }

        private void count(HttpPipelineCallContext context, int status) {
            String method = context.getHttpRequest().getHttpMethod().toString();
            metrics.increment("requests", Map.of("method", method, "status", Integer.toString(status)));
            if (status == 429) {
                metrics.increment("throttles", Map.of("method", method));
            }
            context.getData(CallStats.KEY).ifPresent(o -> {
                CallStats stats = (CallStats) o;
                stats.attempts.incrementAndGet();
                stats.lastStatus = status;
                if (status == 429) {
                    stats.throttles.incrementAndGet();
                }
            });
        }

        @Override
        public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
            return next.process().doOnNext(r -> count(context, r.getStatusCode()))
                    .doOnError(e -> count(context, 0));
        }

        @Override
        public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
            try {
                HttpResponse response = next.processSync();
                count(context, response.getStatusCode());
                return response;
            } catch (RuntimeException e) {
                count(context, 0);
                throw e;
            }
        }
    }
}
