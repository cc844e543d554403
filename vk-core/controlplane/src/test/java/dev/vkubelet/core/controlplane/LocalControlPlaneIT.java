package dev.vkubelet.core.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.core.testing.Names;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalControlPlaneExtension.class)
class LocalControlPlaneIT {

    @Test
    void servesKubernetes1202ToTheAdmin(LocalControlPlane plane) throws ApiException {
        assertEquals("v1.20.2", new VersionApi(plane.adminClient()).getCode().execute().getGitVersion());
    }

    @Test
    void nodeCredentialsMayRegisterTheirNodeButNotWriteNamespaces(LocalControlPlane plane) throws Exception {
        String name = Names.unique("cp-node");
        ApiClient node = LocalControlPlane.clientFor(plane.nodeKubeconfig(name));
        CoreV1Api api = new CoreV1Api(node);
        V1Node created = api.createNode(new V1Node().metadata(new V1ObjectMeta().name(name))).execute();
        assertEquals(name, created.getMetadata().getName());
        ApiException forbidden = assertThrows(ApiException.class, () -> api.createNamespace(
                new V1Namespace().metadata(new V1ObjectMeta().name(Names.unique("ns")))).execute());
        assertEquals(403, forbidden.getCode());
        new CoreV1Api(plane.adminClient()).deleteNode(name).execute();
    }
}
