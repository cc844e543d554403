/**
 * The kubelet stats summary model ({@code /stats/summary}) as plain records, so that providers
 * can report usage without a Kubernetes stats library. Field names follow the kubelet's JSON;
 * nullable numbers are values the provider does not know.
 *
 * <p>Part of the SPI: depends on the JDK only; plugins and the host depend on it.
 */
package dev.vkubelet.provider.stats;
