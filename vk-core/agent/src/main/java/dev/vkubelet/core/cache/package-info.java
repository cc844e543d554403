/**
 * Small in-memory caches shared by the host's parts: {@link dev.vkubelet.core.cache.ExpiringCache}
 * keeps values for a time, at most a fixed number of them, least recently used first out (review
 * results of the kubelet API, ConfigMaps and Secrets read by name).
 *
 * <p>Depends on the JDK only.
 */
package dev.vkubelet.core.cache;
