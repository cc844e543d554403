/**
 * The translation between Kubernetes pods and ECS: pods to Fargate task definitions and RunTask
 * requests, tasks back to pod status, and the SDK clients with the plugin's tracing and metrics.
 */
package dev.vkubelet.provider.aws.ecs;
