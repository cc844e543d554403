package dev.vkubelet.provider.aws.ecs;

import dev.vkubelet.provider.ProviderMetrics;
import dev.vkubelet.tracing.Granularity;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.StopTaskRequest;

/**
 * One span per SDK request, {@code aws.<Service>.<Operation>} at {@link Granularity#NORMAL}, with
 * the task, the attempts and the last HTTP status, whose trace context the request carries; and
 * the request metrics {@code requests}
 * (per attempt, by service, operation and status), {@code throttles} and {@code request.duration}.
 */
public final class RequestTracing implements ExecutionInterceptor {

    private static final ExecutionAttribute<Span> SPAN = new ExecutionAttribute<>("vk.span");
    private static final ExecutionAttribute<Integer> ATTEMPTS = new ExecutionAttribute<>("vk.attempts");
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("vk.started");

    private final Tracer tracer;
    private final ProviderMetrics metrics;

    public RequestTracing(Tracer tracer, ProviderMetrics metrics) {
        this.tracer = tracer;
        this.metrics = metrics;
    }

    private static String service(ExecutionAttributes attributes) {
        return String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
    }

    private static String operation(ExecutionAttributes attributes) {
        return String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Span span = tracer.startSpan("aws." + service(attributes) + "." + operation(attributes), Granularity.NORMAL);
        SdkRequest request = context.request();
        if (request instanceof StopTaskRequest stop) {
            span.attribute("taskArn", stop.task());
        } else if (request instanceof RunTaskRequest run) {
            span.attribute("taskDefinition", run.taskDefinition());
        } else if (request instanceof DescribeTasksRequest describe) {
            span.attribute("tasks", describe.tasks().size());
            if (describe.tasks().size() == 1) {
                span.attribute("taskArn", describe.tasks().get(0));
            }
        }
        attributes.putAttribute(SPAN, span);
        attributes.putAttribute(ATTEMPTS, 0);
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    /**
     * The trace context of the request's span (or, when that span is too fine to record, of the
     * span around it) goes out with the request, in the host's propagation formats. Signed with the
     * rest of the request, as the SDK signs after this step.
     */
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        SdkHttpRequest.Builder[] traced = {null};
        tracer.inject((name, value) -> {
            if (traced[0] == null) {
                traced[0] = context.httpRequest().toBuilder();
            }
            traced[0].putHeader(name, value);
        });
        return traced[0] == null ? context.httpRequest() : traced[0].build();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(ATTEMPTS, attributes.getAttribute(ATTEMPTS) + 1);
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        int status = context.httpResponse().statusCode();
        String errorType = context.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse("");
        Map<String, String> labels = Map.of("service", service(attributes), "operation", operation(attributes));
        metrics.increment("requests", Map.of("service", service(attributes), "operation", operation(attributes),
                "status", Integer.toString(status)));
        Span span = attributes.getAttribute(SPAN);
        if (errorType.startsWith("ThrottlingException")) {
            metrics.increment("throttles", labels);
            span.annotate("attempt " + attributes.getAttribute(ATTEMPTS) + " throttled");
        } else if (status >= 300) {
            span.annotate("attempt " + attributes.getAttribute(ATTEMPTS) + ": HTTP " + status + " " + errorType);
        }
        span.attribute("http.status", status);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        finish(attributes, null);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        finish(attributes, context.exception());
    }

    private void finish(ExecutionAttributes attributes, Throwable failure) {
        Span span = attributes.getAttribute(SPAN);
        if (span == null) {
            return;
        }
        attributes.putAttribute(SPAN, null);
        span.attribute("attempts", attributes.getAttribute(ATTEMPTS));
        if (failure != null) {
            SpanStatus status = failure instanceof AwsServiceException e && e.isThrottlingException()
                    ? SpanStatus.UNAVAILABLE : SpanStatus.UNKNOWN;
            span.recordFailure(status, failure);
        }
        span.close();
        metrics.time("request.duration", Map.of("service", service(attributes), "operation", operation(attributes)),
                Duration.ofNanos(System.nanoTime() - attributes.getAttribute(STARTED)));
    }
}
