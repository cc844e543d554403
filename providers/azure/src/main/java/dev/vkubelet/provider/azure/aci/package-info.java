/**
 * The translation between Kubernetes pods and Azure Container Instances: pods to container
 * groups, groups back to pod status, and the ARM client (Azure SDK pipeline with retries that
 * honour {@code Retry-After}, authorisation, request metrics).
 *
 * <p>Depends on the Azure SDK and the provider API; used by the azure provider only.
 */
package dev.vkubelet.provider.azure.aci;
