/**
 * The host's rate limits: one {@link dev.vkubelet.core.limits.TokenBucket}, used for the API
 * server's client ({@code --kube-api-qps}, {@code --event-qps}: requests wait) and for the kubelet
 * API's token and access reviews (refused beyond the budget); and
 * {@link dev.vkubelet.core.limits.OccasionalReport}, which keeps a flood of the same warning (dropped
 * events, overrun node steps) to a line a minute. Depends on the JDK only.
 */
package dev.vkubelet.core.limits;
