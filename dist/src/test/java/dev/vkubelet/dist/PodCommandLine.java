package dev.vkubelet.dist;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kubelet would run for the Deployment's container, with the pod's files on this machine:
 * the image's entry point (the launcher) with the container's args ({@code $(VAR)} expanded), the
 * container's environment with its field and ConfigMap key references filled in, ConfigMap volumes written to a directory, and the service
 * account mount replaced by a directory given to the agent through {@code VKUBELET_SERVICE_ACCOUNT_DIR}.
 */
record PodCommandLine(List<String> args, Map<String, String> env) {

    static final String SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

    /**
     * @param podName the pod's name (and so the node's)
     * @param configMaps the ConfigMaps of the rendered manifests, by name
     * @param serviceAccountDir holds {@code token}, {@code ca.crt} and {@code namespace}
     * @param apiServerPort where {@code KUBERNETES_SERVICE_HOST}, 127.0.0.1, serves the API
     */
    static PodCommandLine of(V1Deployment deployment, Map<String, V1ConfigMap> configMaps, String podName,
            Path serviceAccountDir, int apiServerPort, Path workDir) throws IOException {
        V1PodSpec spec = deployment.getSpec().getTemplate().getSpec();
        V1Container container = spec.getContainers().get(0);
        Map<String, String> mounts = new LinkedHashMap<>();
        mounts.put(SERVICE_ACCOUNT_MOUNT, serviceAccountDir.toString());
        for (V1VolumeMount mount : container.getVolumeMounts()) {
            V1Volume volume = spec.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
            Path dir = Files.createDirectories(workDir.resolve("volumes").resolve(mount.getName()));
            if (volume.getConfigMap() != null) {
                V1ConfigMap map = configMaps.get(volume.getConfigMap().getName());
                if (map == null) {
                    throw new AssertionError("the Deployment mounts ConfigMap " + volume.getConfigMap().getName()
                            + ", which the manifests do not define");
                }
                for (Map.Entry<String, String> entry : map.getData().entrySet()) {
                    Files.writeString(dir.resolve(entry.getKey()), entry.getValue());
                }
            }
            mounts.put(mount.getMountPath(), dir.toString());
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (V1EnvVar variable : container.getEnv()) {
            String value;
            if (variable.getValue() != null) {
                value = remap(variable.getValue(), mounts);
            } else if (variable.getValueFrom() != null && variable.getValueFrom().getFieldRef() != null) {
                String field = variable.getValueFrom().getFieldRef().getFieldPath();
                value = switch (field) {
                    case "metadata.name" -> podName;
                    case "metadata.namespace" -> deployment.getMetadata().getNamespace();
                    case "status.podIP", "status.hostIP" -> "127.0.0.1";
                    default -> throw new AssertionError("field reference " + field + " is not simulated here");
                };
            } else if (variable.getValueFrom() != null && variable.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = variable.getValueFrom().getConfigMapKeyRef();
                V1ConfigMap map = configMaps.get(ref.getName());
                if (map == null || map.getData() == null || !map.getData().containsKey(ref.getKey())) {
                    throw new AssertionError("env " + variable.getName() + " refers to key " + ref.getKey()
                            + " of ConfigMap " + ref.getName() + ", which the manifests do not define");
                }
                value = map.getData().get(ref.getKey());
            } else {
                throw new AssertionError("env " + variable.getName() + ": only values, field and ConfigMap key"
                        + " references are simulated here");
            }
            env.put(variable.getName(), value);
        }
        List<String> args = new ArrayList<>();
        for (String arg : container.getArgs()) {
            args.add(remap(expand(arg, env), mounts));
        }
        env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        env.put("KUBERNETES_SERVICE_PORT", Integer.toString(apiServerPort));
        env.put("VKUBELET_SERVICE_ACCOUNT_DIR", serviceAccountDir.toString());
        return new PodCommandLine(List.copyOf(args), env);
    }

    /**
     * The kubelet's expansion of a container's args: {@code $(NAME)} becomes the value of the
     * container's variable NAME, {@code $$} a single {@code $}; a reference to a variable the
     * container does not have stays as written.
     */
    static String expand(String text, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
            } else if (text.charAt(i + 1) == '$') {
                out.append('$');
                i++;
            } else if (text.charAt(i + 1) == '(' && text.indexOf(')', i + 2) > 0) {
                int end = text.indexOf(')', i + 2);
                String name = text.substring(i + 2, end);
                out.append(env.containsKey(name) ? env.get(name) : text.substring(i, end + 1));
                i = end;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String remap(String text, Map<String, String> mounts) {
        for (Map.Entry<String, String> mount : mounts.entrySet()) {
            if (text.startsWith(mount.getKey() + "/") || text.equals(mount.getKey())) {
                return mount.getValue() + text.substring(mount.getKey().length());
            }
        }
        return text;
    }
}
