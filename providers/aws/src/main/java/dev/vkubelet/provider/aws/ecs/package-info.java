/**
 * The translation between Kubernetes pods and ECS: pods to Fargate task definitions and RunTask
 * requests, tasks back to pod status, and the SDK clients with the plugin's tracing and metrics.
 *
 * <p>Depends on the AWS SDK and the provider API; used by the aws provider only.
 */
package dev.vkubelet.provider.aws.ecs;
