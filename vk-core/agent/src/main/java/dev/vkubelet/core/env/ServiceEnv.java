package dev.vkubelet.core.env;

import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The service link variables the kubelet gives containers ({@code FOO_SERVICE_HOST}, {@code FOO_PORT}, ...). */
public final class ServiceEnv {

    private ServiceEnv() {}

    /** Variables for {@code services}, by service name order; services without a cluster IP give none. */
    public static Map<String, String> of(List<V1Service> services) {
        Map<String, String> env = new LinkedHashMap<>();
        services.stream().sorted(Comparator.comparing(s -> s.getMetadata().getName())).forEach(s -> add(env, s));
        return env;
    }

    private static void add(Map<String, String> env, V1Service service) {
        String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
        if (ip == null || ip.isEmpty() || "None".equals(ip)) {
            return;
        }
        List<V1ServicePort> ports = service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
        String prefix = variableName(service.getMetadata().getName());
        env.put(prefix + "_SERVICE_HOST", ip);
        if (!ports.isEmpty()) {
            env.put(prefix + "_SERVICE_PORT", String.valueOf(ports.get(0).getPort()));
        }
        for (V1ServicePort port : ports) {
            if (port.getName() != null && !port.getName().isEmpty()) {
                env.put(prefix + "_SERVICE_PORT_" + variableName(port.getName()), String.valueOf(port.getPort()));
            }
        }
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        for (int i = 0; i < ports.size(); i++) {
            V1ServicePort port = ports.get(i);
            String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
            String lower = protocol.toLowerCase(Locale.ROOT);
            String url = lower + "://" + host + ":" + port.getPort();
            if (i == 0) {
                env.put(prefix + "_PORT", url);
            }
            String portPrefix = prefix + "_PORT_" + port.getPort() + "_" + protocol.toUpperCase(Locale.ROOT);
            env.put(portPrefix, url);
            env.put(portPrefix + "_PROTO", lower);
            env.put(portPrefix + "_PORT", String.valueOf(port.getPort()));
            env.put(portPrefix + "_ADDR", ip);
        }
    }

    /** {@code my-svc} becomes {@code MY_SVC}. */
    static String variableName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
