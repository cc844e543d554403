package dev.vkubelet.core.kube;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EphemeralContainer;
import io.kubernetes.client.openapi.models.V1LocalObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeProjection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ConfigMaps and Secrets a pod refers to, as the Node authorizer counts them: environment
 * ({@code valueFrom}, {@code envFrom}) of every container, volumes (including projected ones) and
 * image pull secrets.
 */
public record PodReferences(Set<String> configMaps, Set<String> secrets) {

    public PodReferences {
        configMaps = Set.copyOf(configMaps);
        secrets = Set.copyOf(secrets);
    }

    /** What {@code pod} refers to. */
    public static PodReferences of(V1Pod pod) {
        Set<String> configMaps = new LinkedHashSet<>();
        Set<String> secrets = new LinkedHashSet<>();
        V1PodSpec spec = pod.getSpec();
        if (spec == null) {
            return new PodReferences(configMaps, secrets);
        }
        for (List<V1Container> containers : java.util.Arrays.asList(spec.getContainers(), spec.getInitContainers())) {
            if (containers != null) {
                containers.forEach(c -> environment(c.getEnv(), c.getEnvFrom(), configMaps, secrets));
            }
        }
        if (spec.getEphemeralContainers() != null) {
            for (V1EphemeralContainer c : spec.getEphemeralContainers()) {
                environment(c.getEnv(), c.getEnvFrom(), configMaps, secrets);
            }
        }
        if (spec.getVolumes() != null) {
            for (V1Volume volume : spec.getVolumes()) {
                if (volume.getConfigMap() != null) {
                    configMaps.add(volume.getConfigMap().getName());
                }
                if (volume.getSecret() != null) {
                    secrets.add(volume.getSecret().getSecretName());
                }
                if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
                    for (V1VolumeProjection source : volume.getProjected().getSources()) {
                        if (source.getConfigMap() != null) {
                            configMaps.add(source.getConfigMap().getName());
                        }
                        if (source.getSecret() != null) {
                            secrets.add(source.getSecret().getName());
                        }
                    }
                }
            }
        }
        if (spec.getImagePullSecrets() != null) {
            spec.getImagePullSecrets().stream().map(V1LocalObjectReference::getName).forEach(secrets::add);
        }
        configMaps.remove(null);
        secrets.remove(null);
        return new PodReferences(configMaps, secrets);
    }

    private static void environment(List<V1EnvVar> env, List<V1EnvFromSource> envFrom, Set<String> configMaps,
            Set<String> secrets) {
        if (env != null) {
            for (V1EnvVar var : env) {
                if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
                    configMaps.add(var.getValueFrom().getConfigMapKeyRef().getName());
                }
                if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                    secrets.add(var.getValueFrom().getSecretKeyRef().getName());
                }
            }
        }
        if (envFrom != null) {
            for (V1EnvFromSource source : envFrom) {
                if (source.getConfigMapRef() != null) {
                    configMaps.add(source.getConfigMapRef().getName());
                }
                if (source.getSecretRef() != null) {
                    secrets.add(source.getSecretRef().getName());
                }
            }
        }
    }
}
