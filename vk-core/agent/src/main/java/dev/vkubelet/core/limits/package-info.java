/**
 * The host's rate limits: one {@link dev.vkubelet.core.limits.TokenBucket}, used for the API
 * server's client ({@code --kube-api-qps}, {@code --event-qps}: requests wait) and for the kubelet
 * API's token and access reviews (refused beyond the budget). Depends on the JDK only.
 */
package dev.vkubelet.core.limits;
