package com.example.vk;

import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderFactory;
import org.pf4j.Extension;

/**
 * What the host finds in the plugin jar: {@code @Extension} puts this class in
 * {@code META-INF/extensions.idx}, and {@link #name()} is what operators pass to {@code --provider}.
 */
@Extension
public final class ExampleProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "example";
    }

    /**
     * Called once per node agent. Read {@code context.configPath()} here (the {@code
     * --provider-config} file) and throw {@code InvalidInputException} naming the bad field: the
     * host prints it and exits non-zero.
     */
    @Override
    public PodLifecycleHandler create(ProviderContext context) {
        return new ExampleProvider(context.nodeName());
    }
}
