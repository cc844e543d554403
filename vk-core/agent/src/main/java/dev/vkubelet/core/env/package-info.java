/**
 * Container environment resolution, as the kubelet does it, before a pod is handed to a provider.
 *
 * <p>{@link dev.vkubelet.core.env.EnvResolver} turns {@code env} and {@code envFrom} into plain
 * name/value pairs: ConfigMap and Secret references (optional and mandatory, whole objects and
 * single keys), {@code $(VAR)} expansion ({@link dev.vkubelet.core.env.Expansion}), service link
 * variables ({@link dev.vkubelet.core.env.ServiceEnv}), {@code fieldRef} including
 * {@code status.podIP}, {@code status.podIPs} and {@code status.hostIP} (from what the provider
 * reports), and {@code resourceFieldRef} with divisors. The order is deterministic: a variable
 * stands where it was first defined, with the last value given.
 *
 * <p>Depends on client-java models and the provider API's {@code ClusterResources} only; reports
 * what it could not find as {@link dev.vkubelet.core.env.EnvEvent}s for the caller to record.
 */
package dev.vkubelet.core.env;
