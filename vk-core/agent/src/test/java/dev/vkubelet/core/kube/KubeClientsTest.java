package dev.vkubelet.core.kube;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeClientsTest {

    @TempDir
    Path dir;

    private String failure(KubeAccess access) {
        return assertThrows(IOException.class, () -> KubeClients.build(access, Duration.ZERO)).getMessage();
    }

    @Test
    void unusableKubeconfigsAndServiceAccountsAreNamed() throws IOException {
        Path missing = dir.resolve("missing");
        assertTrue(failure(new KubeAccess.Kubeconfig(missing)).contains("kubeconfig " + missing
                + " does not exist or is not readable"));
        Path list = Files.writeString(dir.resolve("list.yaml"), "- just\n- a list\n");
        String notKubeconfig = failure(new KubeAccess.Kubeconfig(list));
        assertTrue(notKubeconfig.contains("kubeconfig " + list + " is not"), notKubeconfig);
        Path garbage = Files.writeString(dir.resolve("garbage.yaml"), "clusters: [{{{\n");
        String unparsable = failure(new KubeAccess.Kubeconfig(garbage));
        assertTrue(unparsable.contains("kubeconfig " + garbage + " is not"), unparsable);

        Path token = Files.writeString(dir.resolve("token"), "t");
        Path ca = Files.writeString(dir.resolve("ca.crt"), "not a certificate");
        String badCa = failure(new KubeAccess.InCluster("10.0.0.1", 443, token, ca));
        assertTrue(badCa.contains("in-cluster configuration is not usable"), badCa);
    }
}
