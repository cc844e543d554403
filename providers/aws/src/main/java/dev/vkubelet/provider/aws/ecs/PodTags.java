package dev.vkubelet.provider.aws.ecs;

/** The tags a task carries to tie it to its node and pod, so a restarted agent finds it again. */
public final class PodTags {

    public static final String NODE = "vk:node";
    public static final String NAMESPACE = "vk:namespace";
    public static final String POD = "vk:pod";
    public static final String UID = "vk:uid";

    private PodTags() {}
}
