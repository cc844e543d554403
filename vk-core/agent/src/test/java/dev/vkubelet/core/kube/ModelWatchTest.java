package dev.vkubelet.core.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.Watch;
import java.lang.reflect.Type;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** The watch's own decoding gives the same models as client-java's, event for event. */
class ModelWatchTest {

    private static final Type POD_EVENT = new TypeToken<Watch.Response<V1Pod>>() {}.getType();
    private static final Type NODE_EVENT = new TypeToken<Watch.Response<V1Node>>() {}.getType();

    /** A pod as the API server writes it in a watch event: every kind of field the models special-case. */
    private static final String POD = """
            {"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0","namespace":"shop",\
            "uid":"0f6c2a1e-4c1b-4a55-9a5e-0c3c7d0f1a2b","resourceVersion":"4711","creationTimestamp":"2026-12-02T19:08:27Z",\
            "deletionTimestamp":"2026-12-02T19:09:27.123456Z","deletionGracePeriodSeconds":30,\
            "labels":{"app":"web"},"annotations":{"a":"b"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet",\
            "name":"web","uid":"1","controller":true,"blockOwnerDeletion":true}],"managedFields":[{"manager":"kubectl",\
            "operation":"Update","apiVersion":"v1","time":"2026-12-02T19:08:27Z","fieldsType":"FieldsV1",\
            "fieldsV1":{"f:spec":{"f:containers":{}}}}]},"spec":{"volumes":[{"name":"cfg","secret":{"secretName":"s",\
            "defaultMode":420}}],"containers":[{"name":"app","image":"nginx:1.25","command":["sh","-c"],"args":["echo hi"],\
            "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],"env":[{"name":"A","value":"1"},{"name":"P",\
            "valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}}],"resources":{"limits":{"cpu":"500m",\
            "memory":"128Mi"},"requests":{"cpu":"250m","memory":"64Mi"}},"volumeMounts":[{"name":"cfg","readOnly":true,\
            "mountPath":"/etc/cfg"}],"livenessProbe":{"httpGet":{"path":"/healthz","port":"http","scheme":"HTTP"},\
            "periodSeconds":10},"readinessProbe":{"tcpSocket":{"port":8080}},"terminationMessagePath":"/dev/termination-log",\
            "imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,\
            "nodeName":"vk-0","tolerations":[{"key":"virtual-kubelet.io/provider","operator":"Exists","effect":"NoSchedule"},\
            {"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],\
            "priority":0},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastProbeTime":null,\
            "lastTransitionTime":"2026-12-02T19:08:29Z"}],"hostIP":"10.0.0.1","podIP":"10.1.0.7","podIPs":[{"ip":"10.1.0.7"}],\
            "startTime":"2026-12-02T19:08:28Z","containerStatuses":[{"name":"app","state":{"running":{\
            "startedAt":"2026-12-02T19:08:29Z"}},"lastState":{},"ready":true,"restartCount":0,"image":"nginx:1.25",\
            "imageID":"","containerID":"vk://app","started":true}],"qosClass":"Burstable"}}}""";

    private static final String NODE = """
            {"type":"ADDED","object":{"kind":"Node","apiVersion":"v1","metadata":{"name":"vk-0","uid":"u",\
            "resourceVersion":"9","creationTimestamp":"2026-12-02T19:00:00Z","labels":{"type":"virtual-kubelet"}},\
            "spec":{"taints":[{"key":"virtual-kubelet.io/provider","value":"mock","effect":"NoSchedule"}]},\
            "status":{"capacity":{"cpu":"20","memory":"100Gi","pods":"110"},"allocatable":{"cpu":"20","memory":"100Gi",\
            "pods":"110"},"conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2026-12-02T19:00:10Z",\
            "lastTransitionTime":"2026-12-02T19:00:00Z","reason":"KubeletReady","message":"ready"}],"addresses":[{\
            "type":"InternalIP","address":"10.0.0.1"}],"daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},\
            "nodeInfo":{"machineID":"","systemUUID":"","bootID":"","kernelVersion":"","osImage":"",\
            "containerRuntimeVersion":"vk-jvm://mock","kubeletVersion":"v1.20.2-vk","kubeProxyVersion":"",\
            "operatingSystem":"linux","architecture":"amd64"}}}}""";

    /** The object of watch line {@code line}, decoded by {@link ModelWatch}, after checking it equals client-java's decoding. */
    private static <T> T decodedAsClientJava(String line, Type type) {
        Watch.Response<T> ours = ModelWatch.decode(line, type);
        Watch.Response<T> theirs = JSON.deserialize(line, type);
        assertNotNull(ours);
        assertEquals(theirs.type, ours.type);
        assertEquals(theirs.object, ours.object);
        return ours.object;
    }

    @Test
    void aPodEventDecodesAsClientJavaDecodesIt() {
        V1Pod pod = decodedAsClientJava(POD, POD_EVENT);
        assertEquals(OffsetDateTime.parse("2026-12-02T19:09:27.123456Z"), pod.getMetadata().getDeletionTimestamp());
        assertEquals(new Quantity("500m"), pod.getSpec().getContainers().get(0).getResources().getLimits().get("cpu"));
        assertEquals(new IntOrString("http"), pod.getSpec().getContainers().get(0).getLivenessProbe().getHttpGet().getPort());
        assertEquals(new IntOrString(8080), pod.getSpec().getContainers().get(0).getReadinessProbe().getTcpSocket()
                .getPort());
        assertEquals(300L, pod.getSpec().getTolerations().get(1).getTolerationSeconds());
        assertTrue(pod.getMetadata().getManagedFields() == null || pod.getMetadata().getManagedFields().isEmpty(),
                "managedFields are left out, as client-java leaves them out");
    }

    @Test
    void aNodeEventDecodesAsClientJavaDecodesIt() {
        V1Node node = decodedAsClientJava(NODE, NODE_EVENT);
        assertEquals(10250, node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort());
    }

    @Test
    void errorEventsAndOtherShapesAreLeftToClientJava() {
        assertNull(ModelWatch.decode("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\","
                + "\"code\":410}}", POD_EVENT));
        assertNull(ModelWatch.decode("{\"object\":{},\"type\":\"ADDED\"}", POD_EVENT));
    }
}
